using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AttachmentOriginalName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OriginalFileName",
                table: "Attachments",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            // Files stored before this change carry the complainant's own names: move them to the
            // supervisors-only column and give everyone else a neutral one (numbered by id, not per case).
            migrationBuilder.Sql("""
                UPDATE "Attachments" SET "OriginalFileName" = "FileName",
                  "FileName" = '证据' || "Id" || CASE "ContentType" WHEN 'image/jpeg' THEN '.jpg' WHEN 'image/png' THEN '.png'
                    WHEN 'application/pdf' THEN '.pdf' ELSE '.docx' END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OriginalFileName",
                table: "Attachments");
        }
    }
}
