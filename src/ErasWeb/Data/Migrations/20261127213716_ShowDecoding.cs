using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class ShowDecoding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_VideoJobs_ContentSha256_Unfinished",
                table: "VideoJobs");

            migrationBuilder.AddColumn<string>(
                name: "Decode",
                table: "VideoJobs",
                type: "TEXT",
                nullable: false,
                defaultValue: "free"); // jobs from before were read frame by frame: an auto upload of the same long video now gets its show

            migrationBuilder.AddColumn<string>(
                name: "Show",
                table: "Predictions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_ContentSha256_Unfinished",
                table: "VideoJobs",
                columns: new[] { "ContentSha256", "Decode" },
                unique: true,
                filter: "\"Status\" IN ('queued', 'running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_VideoJobs_ContentSha256_Unfinished",
                table: "VideoJobs");

            migrationBuilder.DropColumn(
                name: "Decode",
                table: "VideoJobs");

            migrationBuilder.DropColumn(
                name: "Show",
                table: "Predictions");

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_ContentSha256_Unfinished",
                table: "VideoJobs",
                column: "ContentSha256",
                unique: true,
                filter: "\"Status\" IN ('queued', 'running')");
        }
    }
}
