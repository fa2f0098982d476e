using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddSigning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SignDueAtUtc",
                table: "HandlingRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignedAtUtc",
                table: "HandlingRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignDueAtUtc",
                table: "Complaints",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SignEscalationLevelNotified",
                table: "Complaints",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "SignReminderSent",
                table: "Complaints",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignedAtUtc",
                table: "Complaints",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SignDueAtUtc",
                table: "HandlingRecords");

            migrationBuilder.DropColumn(
                name: "SignedAtUtc",
                table: "HandlingRecords");

            migrationBuilder.DropColumn(
                name: "SignDueAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "SignEscalationLevelNotified",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "SignReminderSent",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "SignedAtUtc",
                table: "Complaints");
        }
    }
}
