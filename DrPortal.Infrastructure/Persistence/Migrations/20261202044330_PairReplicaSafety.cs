using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PairReplicaSafety : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "KeepDaily",
                table: "vm_pairs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "KeepLast",
                table: "vm_pairs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "KeepMonthly",
                table: "vm_pairs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "KeepWeekly",
                table: "vm_pairs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ReplicaIdentity",
                table: "vm_pairs",
                type: "varchar(100)",
                maxLength: 100,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "ReplicaStart",
                table: "vm_pairs",
                type: "varchar(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "Off")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "SourceVmName",
                table: "vm_pairs",
                type: "varchar(100)",
                maxLength: 100,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            // A pair that started its replica keeps starting it, but with its links down: a started clone with the
            // primary's MACs on a shared network collides with the primary. "Connected" is an explicit choice.
            migrationBuilder.Sql("UPDATE vm_pairs SET ReplicaStart = CASE WHEN StartAfterRestore THEN 'LinksDown' ELSE 'Off' END;");
            migrationBuilder.DropColumn(
                name: "StartAfterRestore",
                table: "vm_pairs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "StartAfterRestore",
                table: "vm_pairs",
                type: "tinyint(1)",
                nullable: false,
                defaultValue: false);
            migrationBuilder.Sql("UPDATE vm_pairs SET StartAfterRestore = (ReplicaStart <> 'Off');");

            migrationBuilder.DropColumn(
                name: "KeepDaily",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "KeepLast",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "KeepMonthly",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "KeepWeekly",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "ReplicaIdentity",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "ReplicaStart",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "SourceVmName",
                table: "vm_pairs");
        }
    }
}
