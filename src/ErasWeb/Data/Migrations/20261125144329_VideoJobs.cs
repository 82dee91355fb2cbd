using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class VideoJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "DurationSeconds",
                table: "Predictions",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "KeyFrameSeconds",
                table: "Predictions",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TimelineSegments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PredictionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    Era = table.Column<string>(type: "TEXT", nullable: false),
                    StartSeconds = table.Column<double>(type: "REAL", nullable: false),
                    EndSeconds = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TimelineSegments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TimelineSegments_Predictions_PredictionId",
                        column: x => x.PredictionId,
                        principalTable: "Predictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VideoFrames",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PredictionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Era = table.Column<string>(type: "TEXT", nullable: false),
                    Confidence = table.Column<float>(type: "REAL", nullable: false),
                    Thumbnail = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoFrames", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoFrames_Predictions_PredictionId",
                        column: x => x.PredictionId,
                        principalTable: "Predictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VideoJobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", nullable: false),
                    ContentSha256 = table.Column<string>(type: "TEXT", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Format = table.Column<string>(type: "TEXT", nullable: false),
                    UploadFile = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    PredictionId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoJobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoJobs_Predictions_PredictionId",
                        column: x => x.PredictionId,
                        principalTable: "Predictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TimelineSegments_PredictionId_Index",
                table: "TimelineSegments",
                columns: new[] { "PredictionId", "Index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoFrames_PredictionId_Index",
                table: "VideoFrames",
                columns: new[] { "PredictionId", "Index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_ContentSha256",
                table: "VideoJobs",
                column: "ContentSha256");

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_PredictionId",
                table: "VideoJobs",
                column: "PredictionId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_Status",
                table: "VideoJobs",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TimelineSegments");

            migrationBuilder.DropTable(
                name: "VideoFrames");

            migrationBuilder.DropTable(
                name: "VideoJobs");

            migrationBuilder.DropColumn(
                name: "DurationSeconds",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "KeyFrameSeconds",
                table: "Predictions");
        }
    }
}
