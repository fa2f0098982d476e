using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    TakenAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CutoffUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    TakenById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlySnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonthlySnapshotLine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SnapshotId = table.Column<int>(type: "integer", nullable: false),
                    UnitCode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UnitName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Cases = table.Column<int>(type: "integer", nullable: false),
                    ChannelScore = table.Column<double>(type: "double precision", nullable: true),
                    ChannelRank = table.Column<int>(type: "integer", nullable: true),
                    BottomTwo = table.Column<bool>(type: "boolean", nullable: false),
                    SignedOnTime = table.Column<double>(type: "double precision", nullable: true),
                    ClosedOnTime = table.Column<double>(type: "double precision", nullable: true),
                    OverdueRate = table.Column<double>(type: "double precision", nullable: true),
                    Resolved = table.Column<double>(type: "double precision", nullable: true),
                    Satisfied = table.Column<double>(type: "double precision", nullable: true),
                    Quality = table.Column<double>(type: "double precision", nullable: true),
                    Rework = table.Column<double>(type: "double precision", nullable: true),
                    Composite = table.Column<double>(type: "double precision", nullable: true),
                    CompositeRank = table.Column<int>(type: "integer", nullable: true)
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
