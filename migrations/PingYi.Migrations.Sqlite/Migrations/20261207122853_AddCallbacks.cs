using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddCallbacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "CallbackAtUtc",
                table: "HandlingRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "CallbackReached",
                table: "HandlingRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CallbackResolution",
                table: "HandlingRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CallbackSatisfaction",
                table: "HandlingRecords",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CallbackAtUtc",
                table: "HandlingRecords");

            migrationBuilder.DropColumn(
                name: "CallbackReached",
                table: "HandlingRecords");

            migrationBuilder.DropColumn(
                name: "CallbackResolution",
                table: "HandlingRecords");

            migrationBuilder.DropColumn(
                name: "CallbackSatisfaction",
                table: "HandlingRecords");
        }
    }
}
