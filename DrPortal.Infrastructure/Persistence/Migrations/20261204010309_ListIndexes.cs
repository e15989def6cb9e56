using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_Status",
                table: "tasks");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_Kind",
                table: "tasks",
                column: "Kind");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_Status_Kind",
                table: "tasks",
                columns: new[] { "Status", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_archives_CreatedAt",
                table: "archives",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_Kind",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_tasks_Status_Kind",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_archives_CreatedAt",
                table: "archives");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_Status",
                table: "tasks",
                column: "Status");
        }
    }
}
