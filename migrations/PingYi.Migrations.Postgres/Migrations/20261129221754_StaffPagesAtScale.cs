using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class StaffPagesAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Complaints_PendingRequest",
                table: "Complaints",
                columns: new[] { "Status", "DueAtUtc" },
                filter: "\"PendingRequest\" <> 0");

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_Status_DueAtUtc",
                table: "Complaints",
                columns: new[] { "Status", "DueAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Complaints_PendingRequest",
                table: "Complaints");

            migrationBuilder.DropIndex(
                name: "IX_Complaints_Status_DueAtUtc",
                table: "Complaints");
        }
    }
}
