using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ScoringResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccountabilityFlags",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    Flagged = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SetById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    SetAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountabilityFlags", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AccountabilityFlags_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PriorRanks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    UnitCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Rank = table.Column<int>(type: "integer", nullable: false),
                    TrackingList = table.Column<bool>(type: "boolean", nullable: false),
                    ImportedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    ImportedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PriorRanks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ResultSnapshots",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    TakenAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Published = table.Column<bool>(type: "boolean", nullable: false),
                    PublishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResultSnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ResultSnapshotLine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SnapshotId = table.Column<int>(type: "integer", nullable: false),
                    UnitCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UnitName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Rank = table.Column<int>(type: "integer", nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Weighted = table.Column<double>(type: "double precision", nullable: false),
                    Deputies = table.Column<double>(type: "double precision", nullable: true),
                    ServiceHall = table.Column<double>(type: "double precision", nullable: true),
                    Prefectures = table.Column<double>(type: "double precision", nullable: true),
                    Inspectors = table.Column<double>(type: "double precision", nullable: true),
                    Liaison = table.Column<double>(type: "double precision", nullable: true),
                    Channel = table.Column<double>(type: "double precision", nullable: true),
                    RecordedDeductions = table.Column<double>(type: "double precision", nullable: false),
                    Deductions = table.Column<double>(type: "double precision", nullable: false),
                    OverdueWorkingDays = table.Column<int>(type: "integer", nullable: false),
                    BottomTwo = table.Column<bool>(type: "boolean", nullable: false),
                    PreviousBottomTwo = table.Column<bool>(type: "boolean", nullable: false),
                    Accountability = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResultSnapshotLine", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResultSnapshotLine_ResultSnapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "ResultSnapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccountabilityFlags_UnitId",
                table: "AccountabilityFlags",
                column: "UnitId");

            migrationBuilder.CreateIndex(
                name: "IX_AccountabilityFlags_Year_UnitId",
                table: "AccountabilityFlags",
                columns: new[] { "Year", "UnitId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PriorRanks_Year_UnitCode",
                table: "PriorRanks",
                columns: new[] { "Year", "UnitCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResultSnapshotLine_SnapshotId_UnitCode",
                table: "ResultSnapshotLine",
                columns: new[] { "SnapshotId", "UnitCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResultSnapshots_Year",
                table: "ResultSnapshots",
                column: "Year",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccountabilityFlags");

            migrationBuilder.DropTable(
                name: "PriorRanks");

            migrationBuilder.DropTable(
                name: "ResultSnapshotLine");

            migrationBuilder.DropTable(
                name: "ResultSnapshots");
        }
    }
}
