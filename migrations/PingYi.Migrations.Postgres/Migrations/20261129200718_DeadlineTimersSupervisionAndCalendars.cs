using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DeadlineTimersSupervisionAndCalendars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AcceptOverdueNotified",
                table: "Complaints",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "DeadlineReminderSent",
                table: "Complaints",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "EscalationLevelNotified",
                table: "Complaints",
                type: "integer",
                nullable: false,
                defaultValue: 0);

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

            migrationBuilder.CreateTable(
                name: "SupervisionNotices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ComplaintId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    IssuedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IssuedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    WorkingDays = table.Column<int>(type: "integer", nullable: false),
                    AnsweredAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Answer = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    AnsweredBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OverdueFiredAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupervisionNotices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupervisionNotices_Complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "Complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SupervisionNotices_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionNotices_ComplaintId",
                table: "SupervisionNotices",
                column: "ComplaintId");

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionNotices_Number",
                table: "SupervisionNotices",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SupervisionNotices_UnitId_AnsweredAtUtc",
                table: "SupervisionNotices",
                columns: new[] { "UnitId", "AnsweredAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CalendarUploads");

            migrationBuilder.DropTable(
                name: "SupervisionNotices");

            migrationBuilder.DropColumn(
                name: "AcceptOverdueNotified",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "DeadlineReminderSent",
                table: "Complaints");

            migrationBuilder.DropColumn(
                name: "EscalationLevelNotified",
                table: "Complaints");
        }
    }
}
