using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MonthlySnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MonthlySnapshots",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    TakenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CutoffUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TakenById = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlySnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonthlySnapshotLine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SnapshotId = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UnitName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Cases = table.Column<int>(type: "INTEGER", nullable: false),
                    ChannelScore = table.Column<double>(type: "REAL", nullable: true),
                    ChannelRank = table.Column<int>(type: "INTEGER", nullable: true),
                    BottomTwo = table.Column<bool>(type: "INTEGER", nullable: false),
                    SignedOnTime = table.Column<double>(type: "REAL", nullable: true),
                    ClosedOnTime = table.Column<double>(type: "REAL", nullable: true),
                    OverdueRate = table.Column<double>(type: "REAL", nullable: true),
                    Resolved = table.Column<double>(type: "REAL", nullable: true),
                    Satisfied = table.Column<double>(type: "REAL", nullable: true),
                    Quality = table.Column<double>(type: "REAL", nullable: true),
                    Rework = table.Column<double>(type: "REAL", nullable: true),
                    Composite = table.Column<double>(type: "REAL", nullable: true),
                    CompositeRank = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlySnapshotLine", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MonthlySnapshotLine_MonthlySnapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "MonthlySnapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MonthlySnapshotLine_SnapshotId_UnitCode",
                table: "MonthlySnapshotLine",
                columns: new[] { "SnapshotId", "UnitCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MonthlySnapshots_Year_Month",
                table: "MonthlySnapshots",
                columns: new[] { "Year", "Month" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MonthlySnapshotLine");

            migrationBuilder.DropTable(
                name: "MonthlySnapshots");
        }
    }
}
