using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AccessCodeRecovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccessCodeRecoveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<long>(type: "INTEGER", nullable: false),
                    ContactHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClientKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessCodeRecoveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AccessCodeRecoveries_Complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "Complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessCodeRecoveries_ClientKey_CreatedAtUtc",
                table: "AccessCodeRecoveries",
                columns: new[] { "ClientKey", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessCodeRecoveries_ComplaintId_CreatedAtUtc",
                table: "AccessCodeRecoveries",
                columns: new[] { "ComplaintId", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessCodeRecoveries_ContactHash_CreatedAtUtc",
                table: "AccessCodeRecoveries",
                columns: new[] { "ContactHash", "CreatedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessCodeRecoveries");
        }
    }
}
