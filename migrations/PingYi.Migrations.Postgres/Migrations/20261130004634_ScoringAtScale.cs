using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ScoringAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CompletedDataSteps",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CompletedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Rows = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CompletedDataSteps", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_Running",
                table: "HandlingRecords",
                columns: new[] { "StoppedAtUtc", "DueAtUtc", "UnitId", "AssignedAtUtc", "StartedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CompletedDataSteps");

            migrationBuilder.DropIndex(
                name: "IX_HandlingRecords_Running",
                table: "HandlingRecords");
        }
    }
}
