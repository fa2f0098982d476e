using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WorkflowHandling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ApprovedAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AssignedAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosedAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DueAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextTimerAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PendingExtensionDays",
                table: "Complaints",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PendingRequest",
                table: "Complaints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "PublicReply",
                table: "Complaints",
                type: "character varying(20000)",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "QualityRating",
                table: "Complaints",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReopenCount",
                table: "Complaints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "RespondedAtUtc",
                table: "Complaints",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RespondedLate",
                table: "Complaints",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ResponseFindings",
                table: "Complaints",
                type: "character varying(20000)",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResponseMeasures",
                table: "Complaints",
                type: "character varying(20000)",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReworkCount",
                table: "Complaints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Satisfaction",
                table: "Complaints",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TransferCount",
                table: "Complaints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_NextTimerAtUtc",
                table: "Complaints",
                column: "NextTimerAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_SubmittedAtUtc_Id",
                table: "Complaints",
                columns: new[] { "SubmittedAtUtc", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Complaints_NextTimerAtUtc",
                table: "Complaints");

            migrationBuilder.DropIndex(
                name: "IX_Complaints_SubmittedAtUtc_Id",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "ApprovedAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "AssignedAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "ClosedAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "DueAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "NextTimerAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "PendingExtensionDays",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "PendingRequest",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "PublicReply",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "QualityRating",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "ReopenCount",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "RespondedAtUtc",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "RespondedLate",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "ResponseFindings",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "ResponseMeasures",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "ReworkCount",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "Satisfaction",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "TransferCount",
                table: "Complaints");
        }
    }
}
