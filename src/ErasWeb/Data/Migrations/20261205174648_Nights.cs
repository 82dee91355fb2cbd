using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class Nights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "NightId",
                table: "Feedback",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Nights",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Worker = table.Column<string>(type: "TEXT", nullable: true),
                    AccessKey = table.Column<string>(type: "TEXT", nullable: true),
                    DeleteTokenHash = table.Column<string>(type: "TEXT", nullable: false),
                    Client = table.Column<string>(type: "TEXT", nullable: true),
                    UploadFolder = table.Column<string>(type: "TEXT", nullable: true),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Order = table.Column<string>(type: "TEXT", nullable: true),
                    Tour = table.Column<string>(type: "TEXT", nullable: true),
                    ShowDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LogLikelihood2023 = table.Column<double>(type: "REAL", nullable: true),
                    LogLikelihood2024 = table.Column<double>(type: "REAL", nullable: true),
                    ModelVersion = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Nights", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NightPhotos",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NightId = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: true),
                    FileName = table.Column<string>(type: "TEXT", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    TakenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    PredictionId = table.Column<long>(type: "INTEGER", nullable: true),
                    Era = table.Column<string>(type: "TEXT", nullable: true),
                    Set = table.Column<string>(type: "TEXT", nullable: true)
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
}
