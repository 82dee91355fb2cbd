using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class PredictionPictures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PredictionPictures",
                columns: table => new
                {
                    PredictionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Display = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Thumbnail = table.Column<byte[]>(type: "BLOB", nullable: false),
                    GradCam = table.Column<byte[]>(type: "BLOB", nullable: false)
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

            // The pictures move to their own table before their columns go.
            migrationBuilder.Sql(
                "INSERT INTO PredictionPictures (PredictionId, Display, Thumbnail, GradCam) SELECT Id, DisplayImage, Thumbnail, GradCamImage FROM Predictions;");

            migrationBuilder.DropColumn(
                name: "DisplayImage",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "GradCamImage",
                table: "Predictions");

            migrationBuilder.DropColumn(
                name: "Thumbnail",
                table: "Predictions");

            migrationBuilder.CreateIndex(
                name: "IX_Predictions_Kind_Id",
                table: "Predictions",
                columns: new[] { "Kind", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Predictions_Kind_Id",
                table: "Predictions");

            migrationBuilder.AddColumn<byte[]>(
                name: "DisplayImage",
                table: "Predictions",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<byte[]>(
                name: "GradCamImage",
                table: "Predictions",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<byte[]>(
                name: "Thumbnail",
                table: "Predictions",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);
            migrationBuilder.Sql(
                "UPDATE Predictions SET DisplayImage = p.Display, Thumbnail = p.Thumbnail, GradCamImage = p.GradCam FROM PredictionPictures p WHERE p.PredictionId = Predictions.Id;");

            migrationBuilder.DropTable(
                name: "PredictionPictures");

        }
    }
}
