using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class UncertaintyAndExplanation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Explanation",
                table: "Predictions",
                type: "TEXT",
                nullable: false,
                // Every prediction stored before this column existed was explained by Grad-CAM.
                defaultValue: "grad-cam");

            migrationBuilder.AddColumn<string>(
                name: "UncertainReason",
                table: "Predictions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Explanation",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "UncertainReason",
                table: "Predictions");
        }
    }
}
