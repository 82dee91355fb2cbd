using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ErasWeb.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class Nights : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>(
            name: "NightId",
            table: "Feedback",
            type: "bigint",
            nullable: true);

        migrationBuilder.CreateTable(
            name: "Nights",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Status = table.Column<string>(type: "text", nullable: false),
                Progress = table.Column<int>(type: "integer", nullable: false),
                Error = table.Column<string>(type: "text", nullable: true),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                FinishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                Attempts = table.Column<int>(type: "integer", nullable: false),
                Worker = table.Column<string>(type: "text", nullable: true),
                AccessKey = table.Column<string>(type: "text", nullable: true),
                DeleteTokenHash = table.Column<string>(type: "text", nullable: false),
                Client = table.Column<string>(type: "text", nullable: true),
                UploadFolder = table.Column<string>(type: "text", nullable: true),
                SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                Order = table.Column<string>(type: "text", nullable: true),
                Tour = table.Column<string>(type: "text", nullable: true),
                ShowDate = table.Column<DateOnly>(type: "date", nullable: true),
                LogLikelihood2023 = table.Column<double>(type: "double precision", nullable: true),
                LogLikelihood2024 = table.Column<double>(type: "double precision", nullable: true),
                ModelVersion = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Nights", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "NightPhotos",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                NightId = table.Column<long>(type: "bigint", nullable: false),
                UploadIndex = table.Column<int>(type: "integer", nullable: false),
                Position = table.Column<int>(type: "integer", nullable: true),
                FileName = table.Column<string>(type: "text", nullable: false),
                SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                TakenAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                Error = table.Column<string>(type: "text", nullable: true),
                PredictionId = table.Column<long>(type: "bigint", nullable: true),
                Era = table.Column<string>(type: "text", nullable: true),
                Set = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_NightPhotos", x => x.Id);
                table.ForeignKey(
                    name: "FK_NightPhotos_Nights_NightId",
                    column: x => x.NightId,
                    principalTable: "Nights",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_NightPhotos_Predictions_PredictionId",
                    column: x => x.PredictionId,
                    principalTable: "Predictions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateIndex(
            name: "IX_NightPhotos_NightId_UploadIndex",
            table: "NightPhotos",
            columns: new[] { "NightId", "UploadIndex" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_NightPhotos_PredictionId",
            table: "NightPhotos",
            column: "PredictionId");

        migrationBuilder.CreateIndex(
            name: "IX_Nights_DeleteTokenHash",
            table: "Nights",
            column: "DeleteTokenHash");

        migrationBuilder.CreateIndex(
            name: "IX_Nights_Status",
            table: "Nights",
            column: "Status");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "NightPhotos");

        migrationBuilder.DropTable(
            name: "Nights");

        migrationBuilder.DropColumn(
            name: "NightId",
            table: "Feedback");
    }
}
