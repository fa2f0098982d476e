using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddRatingFormReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RecipientHash",
                table: "OutboxMessages",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ToComplainant",
                table: "OutboxMessages",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "AwaitingConfirmation",
                table: "EvaluationResponses",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "ConfirmedAtUtc",
                table: "EvaluationResponses",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConfirmedById",
                table: "EvaluationResponses",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FormReference",
                table: "EvaluationResponses",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_ComplaintId_RecipientHash",
                table: "OutboxMessages",
                columns: new[] { "ComplaintId", "RecipientHash" });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationResponses_RoundId_EvaluatorId_UnitId",
                table: "EvaluationResponses",
                columns: new[] { "RoundId", "EvaluatorId", "UnitId" });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationResponses_RoundId_Source_UnitId_FormReference",
                table: "EvaluationResponses",
                columns: new[] { "RoundId", "Source", "UnitId", "FormReference" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_ComplaintId_RecipientHash",
                table: "OutboxMessages");

            migrationBuilder.DropIndex(
                name: "IX_EvaluationResponses_RoundId_EvaluatorId_UnitId",
                table: "EvaluationResponses");

            migrationBuilder.DropIndex(
                name: "IX_EvaluationResponses_RoundId_Source_UnitId_FormReference",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "RecipientHash",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "ToComplainant",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "AwaitingConfirmation",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "ConfirmedAtUtc",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "ConfirmedById",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "FormReference",
                table: "EvaluationResponses");
        }
    }
}
