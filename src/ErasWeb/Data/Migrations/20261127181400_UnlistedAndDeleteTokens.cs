using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnlistedAndDeleteTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions");

            migrationBuilder.AddColumn<string>(
                name: "AccessKey",
                table: "Predictions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeleteTokenHash",
                table: "Predictions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_AccessKey",
                table: "Predictions",
                column: "AccessKey");

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions",
                columns: new[] { "ContentSha256", "ModelVersion" },
                unique: true,
                filter: "AccessKey IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Predictions_AccessKey",
                table: "Predictions");

            migrationBuilder.DropIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "AccessKey",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "DeleteTokenHash",
                table: "Predictions");

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_ContentSha256_ModelVersion",
                table: "Predictions",
                columns: new[] { "ContentSha256", "ModelVersion" },
                unique: true);
        }
    }
}
