using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReviewQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Feedback_Status_Id",
                table: "Feedback");

            migrationBuilder.RenameColumn(
                name: "FanVotes",
                table: "Feedback",
                newName: "FanEraVotes");

            migrationBuilder.CreateIndex(
                name: "IX_Feedback_Status_UpdatedAtUtc",
                table: "Feedback",
                columns: new[] { "Status", "UpdatedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Feedback_Status_UpdatedAtUtc",
                table: "Feedback");

            migrationBuilder.RenameColumn(
                name: "FanEraVotes",
                table: "Feedback",
                newName: "FanVotes");

            migrationBuilder.CreateIndex(
                name: "IX_Feedback_Status_Id",
                table: "Feedback",
                columns: new[] { "Status", "Id" });
        }
    }
}
