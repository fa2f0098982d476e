using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ChannelRates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_HandlingRecords_Running",
                table: "HandlingRecords");

            migrationBuilder.AddColumn<int>(
                name: "Resolution",
                table: "HandlingRecords",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_InitialDueAtUtc_UnitId",
                table: "HandlingRecords",
                columns: new[] { "InitialDueAtUtc", "UnitId" });

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_Running",
                table: "HandlingRecords",
                columns: new[] { "StoppedAtUtc", "DueAtUtc", "UnitId", "AssignedAtUtc", "StartedAtUtc", "InitialDueAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_HandlingRecords_InitialDueAtUtc_UnitId",
                table: "HandlingRecords");

            migrationBuilder.DropIndex(
                name: "IX_HandlingRecords_Running",
                table: "HandlingRecords");

            migrationBuilder.DropColumn(
                name: "Resolution",
                table: "HandlingRecords");

            migrationBuilder.CreateIndex(
                name: "IX_HandlingRecords_Running",
                table: "HandlingRecords",
                columns: new[] { "StoppedAtUtc", "DueAtUtc", "UnitId", "AssignedAtUtc", "StartedAtUtc" });
        }
    }
}
