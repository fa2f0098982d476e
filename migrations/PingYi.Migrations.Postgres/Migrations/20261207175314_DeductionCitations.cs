using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DeductionCitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CitedComplaintId",
                table: "Deductions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CitedInspectionId",
                table: "Deductions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CitedLedgerItemId",
                table: "Deductions",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CitedComplaintId",
                table: "Deductions");

            migrationBuilder.DropColumn(
                name: "CitedInspectionId",
                table: "Deductions");

            migrationBuilder.DropColumn(
                name: "CitedLedgerItemId",
                table: "Deductions");
        }
    }
}
