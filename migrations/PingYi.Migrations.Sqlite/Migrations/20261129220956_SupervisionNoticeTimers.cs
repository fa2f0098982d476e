using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SupervisionNoticeTimers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "EscalationLevelNotified",
                table: "SupervisionNotices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "ReminderSent",
                table: "SupervisionNotices",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "WithdrawnAtUtc",
                table: "SupervisionNotices",
                type: "TEXT",
                nullable: true);

            // A notice whose overdue already fired under the old code has reached level 1: without this its overdue
            // notice would fire a second time after the upgrade.
            migrationBuilder.Sql("""UPDATE "SupervisionNotices" SET "EscalationLevelNotified" = 1, "ReminderSent" = TRUE WHERE "OverdueFiredAtUtc" IS NOT NULL""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EscalationLevelNotified",
                table: "SupervisionNotices");

            migrationBuilder.DropColumn(
                name: "ReminderSent",
                table: "SupervisionNotices");

            migrationBuilder.DropColumn(
                name: "WithdrawnAtUtc",
                table: "SupervisionNotices");
        }
    }
}
