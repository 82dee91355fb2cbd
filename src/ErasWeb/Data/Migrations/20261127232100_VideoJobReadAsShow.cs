using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ErasWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class VideoJobReadAsShow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ReadAsShow",
                table: "VideoJobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReadAsShow",
                table: "VideoJobs");
        }
    }
}
