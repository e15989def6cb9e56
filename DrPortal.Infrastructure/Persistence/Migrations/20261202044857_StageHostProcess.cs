using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StageHostProcess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HostPid",
                table: "task_stages",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "HostPidStartTime",
                table: "task_stages",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HostPid",
                table: "task_stages");

            migrationBuilder.DropColumn(
                name: "HostPidStartTime",
                table: "task_stages");
        }
    }
}
