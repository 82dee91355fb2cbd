using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ErasWeb.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class InitialCreate : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "GalleryReruns",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Status = table.Column<string>(type: "text", nullable: false),
                ModelVersion = table.Column<string>(type: "text", nullable: true),
                Total = table.Column<int>(type: "integer", nullable: false),
                Done = table.Column<int>(type: "integer", nullable: false),
                Error = table.Column<string>(type: "text", nullable: true),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                FinishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GalleryReruns", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "ModelVersions",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                Status = table.Column<string>(type: "text", nullable: false),
                HeadVersion = table.Column<string>(type: "text", nullable: false),
                HeadJson = table.Column<string>(type: "text", nullable: false),
                Accuracy = table.Column<double>(type: "double precision", nullable: false),
                MacroF1 = table.Column<double>(type: "double precision", nullable: false),
                BaselineAccuracy = table.Column<double>(type: "double precision", nullable: true),
                BaselineMacroF1 = table.Column<double>(type: "double precision", nullable: true),
                Support = table.Column<string>(type: "text", nullable: false),
                Labels = table.Column<int>(type: "integer", nullable: false),
                Verdict = table.Column<string>(type: "text", nullable: true),
                ActivatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ModelVersions", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Predictions",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                Kind = table.Column<string>(type: "text", nullable: false),
                FileName = table.Column<string>(type: "text", nullable: false),
                ContentSha256 = table.Column<string>(type: "text", nullable: false),
                SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                DurationSeconds = table.Column<double>(type: "double precision", nullable: true),
                KeyFrameSeconds = table.Column<double>(type: "double precision", nullable: true),
                Width = table.Column<int>(type: "integer", nullable: false),
                Height = table.Column<int>(type: "integer", nullable: false),
                Format = table.Column<string>(type: "text", nullable: false),
                PredictedClass = table.Column<string>(type: "text", nullable: false),
                Confidence = table.Column<float>(type: "real", nullable: false),
                Probabilities = table.Column<string>(type: "text", nullable: false),
                UncertainReason = table.Column<string>(type: "text", nullable: true),
                Explanation = table.Column<string>(type: "text", nullable: false),
                ModelVersion = table.Column<string>(type: "text", nullable: false),
                Show = table.Column<string>(type: "text", nullable: true),
                Hidden = table.Column<bool>(type: "boolean", nullable: false),
                AccessKey = table.Column<string>(type: "text", nullable: true),
                DeleteTokenHash = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Predictions", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "RetrainRuns",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Status = table.Column<string>(type: "text", nullable: false),
                Progress = table.Column<int>(type: "integer", nullable: false),
                Trigger = table.Column<string>(type: "text", nullable: false),
                Error = table.Column<string>(type: "text", nullable: true),
                ModelVersionId = table.Column<long>(type: "bigint", nullable: true),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                FinishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RetrainRuns", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "FanVotes",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                PredictionId = table.Column<long>(type: "bigint", nullable: false),
                Voter = table.Column<string>(type: "text", nullable: false),
                Era = table.Column<string>(type: "text", nullable: false),
                AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_FanVotes", x => x.Id);
                table.ForeignKey(
                    name: "FK_FanVotes_Predictions_PredictionId",
                    column: x => x.PredictionId,
                    principalTable: "Predictions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Feedback",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                PredictionId = table.Column<long>(type: "bigint", nullable: false),
                FanEra = table.Column<string>(type: "text", nullable: false),
                FanEraVotes = table.Column<int>(type: "integer", nullable: false),
                TotalVotes = table.Column<int>(type: "integer", nullable: false),
                Votes = table.Column<string>(type: "text", nullable: false),
                Status = table.Column<string>(type: "text", nullable: false),
                Label = table.Column<string>(type: "text", nullable: true),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                ReviewedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Feedback", x => x.Id);
                table.ForeignKey(
                    name: "FK_Feedback_Predictions_PredictionId",
                    column: x => x.PredictionId,
                    principalTable: "Predictions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "PredictionPictures",
            columns: table => new
            {
                PredictionId = table.Column<long>(type: "bigint", nullable: false),
                Display = table.Column<byte[]>(type: "bytea", nullable: false),
                Thumbnail = table.Column<byte[]>(type: "bytea", nullable: false),
                GradCam = table.Column<byte[]>(type: "bytea", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PredictionPictures", x => x.PredictionId);
                table.ForeignKey(
                    name: "FK_PredictionPictures_Predictions_PredictionId",
                    column: x => x.PredictionId,
                    principalTable: "Predictions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "TimelineSegments",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                PredictionId = table.Column<long>(type: "bigint", nullable: false),
                Index = table.Column<int>(type: "integer", nullable: false),
                Era = table.Column<string>(type: "text", nullable: false),
                StartSeconds = table.Column<double>(type: "double precision", nullable: false),
                EndSeconds = table.Column<double>(type: "double precision", nullable: false)
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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                PredictionId = table.Column<long>(type: "bigint", nullable: false),
                Index = table.Column<int>(type: "integer", nullable: false),
                TimeSeconds = table.Column<double>(type: "double precision", nullable: false),
                Era = table.Column<string>(type: "text", nullable: false),
                Confidence = table.Column<float>(type: "real", nullable: false),
                Thumbnail = table.Column<byte[]>(type: "bytea", nullable: false)
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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Status = table.Column<string>(type: "text", nullable: false),
                Progress = table.Column<int>(type: "integer", nullable: false),
                FileName = table.Column<string>(type: "text", nullable: false),
                ContentSha256 = table.Column<string>(type: "text", nullable: false),
                SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                Format = table.Column<string>(type: "text", nullable: false),
                UploadFile = table.Column<string>(type: "text", nullable: true),
                CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                FinishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                Attempts = table.Column<int>(type: "integer", nullable: false),
                Worker = table.Column<string>(type: "text", nullable: true),
                Error = table.Column<string>(type: "text", nullable: true),
                PredictionId = table.Column<long>(type: "bigint", nullable: true),
                Client = table.Column<string>(type: "text", nullable: true),
                Decode = table.Column<string>(type: "text", nullable: false),
                ReadAsShow = table.Column<bool>(type: "boolean", nullable: false)
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
            name: "IX_FanVotes_PredictionId_Voter",
            table: "FanVotes",
            columns: new[] { "PredictionId", "Voter" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Feedback_PredictionId",
            table: "Feedback",
            column: "PredictionId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Feedback_Status_UpdatedAtUtc",
            table: "Feedback",
            columns: new[] { "Status", "UpdatedAtUtc" });

        migrationBuilder.CreateIndex(
            name: "IX_GalleryReruns_Status",
            table: "GalleryReruns",
            column: "Status");

        migrationBuilder.CreateIndex(
            name: "IX_ModelVersions_Status",
            table: "ModelVersions",
            column: "Status");

        migrationBuilder.CreateIndex(
            name: "IX_Predictions_AccessKey",
            table: "Predictions",
            column: "AccessKey");

        migrationBuilder.CreateIndex(
            name: "IX_Predictions_ContentSha256_Id",
            table: "Predictions",
            columns: new[] { "ContentSha256", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Predictions_ContentSha256_ModelVersion",
            table: "Predictions",
            columns: new[] { "ContentSha256", "ModelVersion" },
            unique: true,
            filter: "\"AccessKey\" IS NULL");

        migrationBuilder.CreateIndex(
            name: "IX_Predictions_Kind_Id",
            table: "Predictions",
            columns: new[] { "Kind", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_Predictions_PredictedClass_Id",
            table: "Predictions",
            columns: new[] { "PredictedClass", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_RetrainRuns_Status",
            table: "RetrainRuns",
            column: "Status");

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
            name: "IX_VideoJobs_ContentSha256_Unfinished",
            table: "VideoJobs",
            columns: new[] { "ContentSha256", "Decode" },
            unique: true,
            filter: "\"Status\" IN ('queued', 'running')");

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
            name: "FanVotes");

        migrationBuilder.DropTable(
            name: "Feedback");

        migrationBuilder.DropTable(
            name: "GalleryReruns");

        migrationBuilder.DropTable(
            name: "ModelVersions");

        migrationBuilder.DropTable(
            name: "PredictionPictures");

        migrationBuilder.DropTable(
            name: "RetrainRuns");

        migrationBuilder.DropTable(
            name: "TimelineSegments");

        migrationBuilder.DropTable(
            name: "VideoFrames");

        migrationBuilder.DropTable(
            name: "VideoJobs");

        migrationBuilder.DropTable(
            name: "Predictions");
    }
}
