using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CalendarUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CalendarUploads",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Json = table.Column<string>(type: "character varying(200000)", maxLength: 200000, nullable: false),
                    UploadedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UploadedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarUploads", x => x.Year);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CalendarUploads");
        }
    }
}
