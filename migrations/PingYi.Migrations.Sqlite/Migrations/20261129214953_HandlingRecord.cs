using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HandlingRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HandlingRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<long>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedBy = table.Column<int>(type: "INTEGER", nullable: false),
                    AssignedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    InitialDueAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExtensionsGranted = table.Column<int>(type: "INTEGER", nullable: false),
                    ExtensionWorkingDays = table.Column<int>(type: "INTEGER", nullable: false),
                    RespondedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StoppedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Late = table.Column<bool>(type: "INTEGER", nullable: false),
                    WorkingDaysLate = table.Column<int>(type: "INTEGER", nullable: false),
                    ApprovedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    QualityRating = table.Column<int>(type: "INTEGER", nullable: true),
                    Satisfaction = table.Column<int>(type: "INTEGER", nullable: true),
                    RatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReturnRequests = table.Column<int>(type: "INTEGER", nullable: false),
                    ReturnsRejected = table.Column<int>(type: "INTEGER", nullable: false),
                    LastReturnRejectedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SupervisionNotices = table.Column<int>(type: "INTEGER", nullable: false),
                    SupervisionAnsweredInTime = table.Column<int>(type: "INTEGER", nullable: false),
                    SupervisionAnsweredLate = table.Column<int>(type: "INTEGER", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedBy = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HandlingRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HandlingRecords_Complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "Complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_HandlingRecords_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_AssignedAtUtc_UnitId",
                table: "HandlingRecords",
                columns: new[] { "AssignedAtUtc", "UnitId" });

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_ComplaintId_Round_Attempt",
                table: "HandlingRecords",
                columns: new[] { "ComplaintId", "Round", "Attempt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_UnitId",
                table: "HandlingRecords",
                column: "UnitId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HandlingRecords");
        }
    }
}
