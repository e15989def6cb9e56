using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TokenLifetimeAndPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                table: "api_tokens",
                type: "datetime(6)",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "api_tokens",
                type: "varchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "security_policy",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    TokenDefaultLifetimeSeconds = table.Column<long>(type: "bigint", nullable: false),
                    TokenMaximumLifetimeSeconds = table.Column<long>(type: "bigint", nullable: false),
                    TwoFactorRequiredRoles = table.Column<string>(type: "varchar(256)", maxLength: 256, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    SessionIdleTimeoutSeconds = table.Column<long>(type: "bigint", nullable: false),
                    SessionAbsoluteLifetimeSeconds = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false),
                    UpdatedBy = table.Column<string>(type: "varchar(256)", maxLength: 256, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_security_policy", x => x.Id);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            // Tokens made before expiry existed get the default lifetime (SecurityPolicy.Default: 90 days) from now, not
            // "never" and not an instant cut-off; their scope is Admin, which the owner's role caps, so each keeps exactly
            // the rights it had.
            migrationBuilder.Sql("UPDATE api_tokens SET ExpiresAt = DATE_ADD(UTC_TIMESTAMP(6), INTERVAL 90 DAY), Scope = 'Admin';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "security_policy");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "api_tokens");
        }
    }
}
