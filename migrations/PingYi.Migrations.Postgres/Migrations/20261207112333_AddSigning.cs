using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignedAtUtc",
                table: "HandlingRecords",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignDueAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SignEscalationLevelNotified",
                table: "Complaints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "SignReminderSent",
                table: "Complaints",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignedAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
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
