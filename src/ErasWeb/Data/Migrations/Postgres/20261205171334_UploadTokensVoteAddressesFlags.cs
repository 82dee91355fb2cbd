using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class UploadTokensVoteAddressesFlags : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(
            name: "DeleteTokenHash",
            table: "VideoJobs",
            type: "text",
            nullable: true);

        migrationBuilder.AddColumn<bool>(
            name: "Flagged",
            table: "Feedback",
            type: "boolean",
            nullable: false,
            defaultValue: false);

        migrationBuilder.AddColumn<string>(
            name: "Address",
            table: "FanVotes",
            type: "text",
            nullable: true);

        migrationBuilder.CreateIndex(
            name: "IX_VideoJobs_DeleteTokenHash",
            table: "VideoJobs",
            column: "DeleteTokenHash");

        migrationBuilder.CreateIndex(
            name: "IX_Predictions_DeleteTokenHash",
            table: "Predictions",
            column: "DeleteTokenHash");

        migrationBuilder.CreateIndex(
            name: "IX_FanVotes_PredictionId_Address",
            table: "FanVotes",
            columns: new[] { "PredictionId", "Address" },
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_VideoJobs_DeleteTokenHash",
            table: "VideoJobs");

        migrationBuilder.DropIndex(
            name: "IX_Predictions_DeleteTokenHash",
            table: "Predictions");

        migrationBuilder.DropIndex(
            name: "IX_FanVotes_PredictionId_Address",
            table: "FanVotes");

        migrationBuilder.DropColumn(
            name: "DeleteTokenHash",
            table: "VideoJobs");

        migrationBuilder.DropColumn(
            name: "Flagged",
            table: "Feedback");

        migrationBuilder.DropColumn(
            name: "Address",
            table: "FanVotes");
    }
}
