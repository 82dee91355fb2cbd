using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class PicturesMadeOnDemand : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AlterColumn<byte[]>(
            name: "Thumbnail",
            table: "PredictionPictures",
            type: "bytea",
            nullable: true,
            oldClrType: typeof(byte[]),
            oldType: "bytea");

        migrationBuilder.AlterColumn<byte[]>(
            name: "GradCam",
            table: "PredictionPictures",
            type: "bytea",
            nullable: true,
            oldClrType: typeof(byte[]),
            oldType: "bytea");

        migrationBuilder.AddColumn<string>(
            name: "Heatmap",
            table: "PredictionPictures",
            type: "text",
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "Heatmap",
            table: "PredictionPictures");

        migrationBuilder.AlterColumn<byte[]>(
            name: "Thumbnail",
            table: "PredictionPictures",
            type: "bytea",
            nullable: false,
            defaultValue: new byte[0],
            oldClrType: typeof(byte[]),
            oldType: "bytea",
            oldNullable: true);

        migrationBuilder.AlterColumn<byte[]>(
            name: "GradCam",
            table: "PredictionPictures",
            type: "bytea",
            nullable: false,
            defaultValue: new byte[0],
            oldClrType: typeof(byte[]),
            oldType: "bytea",
            oldNullable: true);
    }
}
