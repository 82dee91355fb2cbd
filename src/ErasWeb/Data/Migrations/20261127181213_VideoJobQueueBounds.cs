using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class VideoJobQueueBounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Client",
                table: "VideoJobs",
                type: "TEXT",
                nullable: true);

            // Racing uploads could make several unfinished jobs of one video before this index: all but the first fail, so the index can be built.
            migrationBuilder.Sql("""
                UPDATE "VideoJobs" SET "Status" = 'failed', "Error" = 'The same video was already being analysed in an earlier job.'
                WHERE "Status" IN ('queued', 'running') AND "Id" NOT IN
                    (SELECT MIN("Id") FROM "VideoJobs" WHERE "Status" IN ('queued', 'running') GROUP BY "ContentSha256");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_VideoJobs_ContentSha256_Unfinished",
                table: "VideoJobs",
                column: "ContentSha256",
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
                name: "Client",
                table: "VideoJobs");
        }
    }
}
