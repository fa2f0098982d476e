using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PingYi.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SurveyCodesAndFilePublicIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Coded",
                table: "EvaluationResponses",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Fingerprint",
                table: "EvaluationResponses",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewFlag",
                table: "EvaluationResponses",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublicId",
                table: "EvaluationFiles",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PublicId",
                table: "Attachments",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "SurveyCodeBatches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoundId = table.Column<int>(type: "integer", nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    Source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    ExpiresAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Nonce = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyCodeBatches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyCodeBatches_AspNetUsers_CreatedById",
                        column: x => x.CreatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurveyCodeBatches_EvaluationRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "EvaluationRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurveyCodeBatches_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SurveyCodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BatchId = table.Column<long>(type: "bigint", nullable: false),
                    RoundId = table.Column<int>(type: "integer", nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ExpiresAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResponseId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyCodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyCodes_EvaluationResponses_ResponseId",
                        column: x => x.ResponseId,
                        principalTable: "EvaluationResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurveyCodes_EvaluationRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "EvaluationRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurveyCodes_SurveyCodeBatches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "SurveyCodeBatches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SurveyCodes_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationResponses_RoundId_UnitId_Source_CreatedAtUtc",
                table: "EvaluationResponses",
                columns: new[] { "RoundId", "UnitId", "Source", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationResponses_RoundId_UnitId_Source_Fingerprint",
                table: "EvaluationResponses",
                columns: new[] { "RoundId", "UnitId", "Source", "Fingerprint" });

            // Files stored before public ids: each gets a random one now (gen_random_uuid(): 122 random bits, 32 hex characters),
            // so that no download URL ever carries the sequential key.
            migrationBuilder.Sql("UPDATE \"EvaluationFiles\" SET \"PublicId\" = replace(gen_random_uuid()::text, '-', '') WHERE \"PublicId\" = '';");
            migrationBuilder.Sql("UPDATE \"Attachments\" SET \"PublicId\" = replace(gen_random_uuid()::text, '-', '') WHERE \"PublicId\" = '';");

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationFiles_PublicId",
                table: "EvaluationFiles",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Attachments_PublicId",
                table: "Attachments",
                column: "PublicId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodeBatches_CreatedById",
                table: "SurveyCodeBatches",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodeBatches_Nonce",
                table: "SurveyCodeBatches",
                column: "Nonce",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodeBatches_RoundId_UnitId",
                table: "SurveyCodeBatches",
                columns: new[] { "RoundId", "UnitId" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodeBatches_UnitId",
                table: "SurveyCodeBatches",
                column: "UnitId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodes_BatchId",
                table: "SurveyCodes",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodes_Hash",
                table: "SurveyCodes",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodes_ResponseId",
                table: "SurveyCodes",
                column: "ResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodes_RoundId",
                table: "SurveyCodes",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyCodes_UnitId",
                table: "SurveyCodes",
                column: "UnitId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SurveyCodes");

            migrationBuilder.DropTable(
                name: "SurveyCodeBatches");

            migrationBuilder.DropIndex(
                name: "IX_EvaluationResponses_RoundId_UnitId_Source_CreatedAtUtc",
                table: "EvaluationResponses");

            migrationBuilder.DropIndex(
                name: "IX_EvaluationResponses_RoundId_UnitId_Source_Fingerprint",
                table: "EvaluationResponses");

            migrationBuilder.DropIndex(
                name: "IX_EvaluationFiles_PublicId",
                table: "EvaluationFiles");

            migrationBuilder.DropIndex(
                name: "IX_Attachments_PublicId",
                table: "Attachments");

            migrationBuilder.DropColumn(
                name: "Coded",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "Fingerprint",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "ReviewFlag",
                table: "EvaluationResponses");

            migrationBuilder.DropColumn(
                name: "PublicId",
                table: "EvaluationFiles");

            migrationBuilder.DropColumn(
                name: "PublicId",
                table: "Attachments");
        }
    }
}
