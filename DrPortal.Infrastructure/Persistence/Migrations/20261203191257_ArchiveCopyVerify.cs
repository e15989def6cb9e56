using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ArchiveCopyVerify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PrimaryCopy",
                table: "archives",
                type: "varchar(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "Unchecked")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PrimaryVerifiedAt",
                table: "archives",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecoveryCopy",
                table: "archives",
                type: "varchar(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "Unchecked")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RecoveryVerifiedAt",
                table: "archives",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RepositoryCopy",
                table: "archives",
                type: "varchar(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "Unchecked")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RepositoryVerifiedAt",
                table: "archives",
                type: "datetime(6)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PrimaryCopy",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "PrimaryVerifiedAt",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "RecoveryCopy",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "RecoveryVerifiedAt",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "RepositoryCopy",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "RepositoryVerifiedAt",
                table: "archives");
        }
    }
}
