using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class JobWorkers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions");

            migrationBuilder.AddColumn<string>(
                name: "Worker",
                table: "VideoJobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions",
                columns: new[] { "ContentSha256", "ModelVersion" },
                unique: true,
                filter: "\"AccessKey\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "Worker",
                table: "VideoJobs");

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions",
                columns: new[] { "ContentSha256", "ModelVersion" },
                unique: true,
                filter: "AccessKey IS NULL");
        }
    }
}
