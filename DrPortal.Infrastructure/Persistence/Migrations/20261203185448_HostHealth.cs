using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class HostHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CheckMessage",
                table: "hypervisors",
                type: "varchar(500)",
                maxLength: 500,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "CheckState",
                table: "hypervisors",
                type: "varchar(16)",
                maxLength: 16,
                nullable: false,
                // Existing hosts were never checked; an empty string would not read back as a state.
                defaultValue: "Unknown")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<long>(
                name: "DumpFreeBytes",
                table: "hypervisors",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastCheckAt",
                table: "hypervisors",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastSeenAt",
                table: "hypervisors",
                type: "datetime(6)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CheckMessage",
                table: "hypervisors");

            migrationBuilder.DropColumn(
                name: "CheckState",
                table: "hypervisors");

            migrationBuilder.DropColumn(
                name: "DumpFreeBytes",
                table: "hypervisors");

            migrationBuilder.DropColumn(
                name: "LastCheckAt",
                table: "hypervisors");

            migrationBuilder.DropColumn(
                name: "LastSeenAt",
                table: "hypervisors");
        }
    }
}
