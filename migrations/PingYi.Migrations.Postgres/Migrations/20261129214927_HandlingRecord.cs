using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ComplaintId = table.Column<long>(type: "bigint", nullable: false),
                    Round = table.Column<int>(type: "integer", nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    StartedBy = table.Column<int>(type: "integer", nullable: false),
                    AssignedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    InitialDueAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExtensionsGranted = table.Column<int>(type: "integer", nullable: false),
                    ExtensionWorkingDays = table.Column<int>(type: "integer", nullable: false),
                    RespondedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StoppedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Late = table.Column<bool>(type: "boolean", nullable: false),
                    WorkingDaysLate = table.Column<int>(type: "integer", nullable: false),
                    ApprovedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    QualityRating = table.Column<int>(type: "integer", nullable: true),
                    Satisfaction = table.Column<int>(type: "integer", nullable: true),
                    RatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReturnRequests = table.Column<int>(type: "integer", nullable: false),
                    ReturnsRejected = table.Column<int>(type: "integer", nullable: false),
                    LastReturnRejectedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SupervisionNotices = table.Column<int>(type: "integer", nullable: false),
                    SupervisionAnsweredInTime = table.Column<int>(type: "integer", nullable: false),
                    SupervisionAnsweredLate = table.Column<int>(type: "integer", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedBy = table.Column<int>(type: "integer", nullable: true)
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
