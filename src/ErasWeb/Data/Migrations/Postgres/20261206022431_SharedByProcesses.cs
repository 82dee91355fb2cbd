using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ErasWeb.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class SharedByProcesses : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "DataProtectionKeys",
            columns: table => new
            {
                Id = table.Column<int>(type: "integer", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                FriendlyName = table.Column<string>(type: "text", nullable: true),
                Xml = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "RateWindows",
            columns: table => new
            {
                Key = table.Column<string>(type: "text", nullable: false),
                StartUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                Count = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RateWindows", x => new { x.Key, x.StartUtc });
            });

        migrationBuilder.CreateTable(
            name: "ServerSecrets",
            columns: table => new
            {
                Name = table.Column<string>(type: "text", nullable: false),
                Value = table.Column<byte[]>(type: "bytea", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ServerSecrets", x => x.Name);
            });

        migrationBuilder.CreateTable(
            name: "WaitingUploadChunks",
            columns: table => new
            {
                Name = table.Column<string>(type: "text", nullable: false),
                Index = table.Column<int>(type: "integer", nullable: false),
                Data = table.Column<byte[]>(type: "bytea", nullable: false),
                StoredAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WaitingUploadChunks", x => new { x.Name, x.Index });
            });

        // Uploads are compressed media already: stored out of line as they are, not compressed again.
        migrationBuilder.Sql("ALTER TABLE \"WaitingUploadChunks\" ALTER COLUMN \"Data\" SET STORAGE EXTERNAL;");

        migrationBuilder.CreateIndex(
            name: "IX_RateWindows_StartUtc",
            table: "RateWindows",
            column: "StartUtc");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "DataProtectionKeys");

        migrationBuilder.DropTable(
            name: "RateWindows");

        migrationBuilder.DropTable(
            name: "ServerSecrets");

        migrationBuilder.DropTable(
            name: "WaitingUploadChunks");
    }
}
