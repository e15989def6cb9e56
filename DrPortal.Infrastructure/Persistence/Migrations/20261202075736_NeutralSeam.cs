using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NeutralSeam : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SourceArchivePath",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "SourceLogPath",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "TargetArchivePath",
                table: "tasks");

            migrationBuilder.RenameColumn(
                name: "DumpDirectory",
                table: "hypervisors",
                newName: "StagingDirectory");

            migrationBuilder.RenameColumn(
                name: "FileName",
                table: "archives",
                newName: "Label");

            migrationBuilder.RenameIndex(
                name: "IX_archives_SourceHypervisorId_FileName",
                table: "archives",
                newName: "IX_archives_SourceHypervisorId_Label");

            migrationBuilder.AddColumn<string>(
                name: "BackupOptions",
                table: "vm_pairs",
                type: "varchar(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "SourceVm",
                table: "vm_pairs",
                type: "varchar(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "SourceVmUuid",
                table: "vm_pairs",
                type: "varchar(64)",
                maxLength: 64,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "TargetVm",
                table: "vm_pairs",
                type: "varchar(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AlterColumn<string>(
                name: "RestoreStorage",
                table: "hypervisors",
                type: "varchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "varchar(64)",
                oldMaxLength: 64,
                oldNullable: true)
                .Annotation("MySql:CharSet", "utf8mb4")
                .OldAnnotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "Metadata",
                table: "archives",
                type: "varchar(8000)",
                maxLength: 8000,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<long>(
                name: "ParentArchiveId",
                table: "archives",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceVm",
                table: "archives",
                type: "varchar(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "archive_files",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    ArchiveId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "varchar(255)", maxLength: 255, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Role = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "char(64)", fixedLength: true, maxLength: 64, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_archive_files", x => x.Id);
                    table.ForeignKey(
                        name: "FK_archive_files_archives_ArchiveId",
                        column: x => x.ArchiveId,
                        principalTable: "archives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            // Round-one rows carry on in the seam's terms, before the columns they came from go.
            migrationBuilder.Sql("UPDATE vm_pairs SET SourceVm = CAST(SourceVmId AS CHAR), TargetVm = CAST(TargetVmId AS CHAR), " +
                "BackupOptions = JSON_OBJECT('compress', LOWER(Compression), 'mode', LOWER(BackupMode));");
            migrationBuilder.Sql("UPDATE archives SET SourceVm = CAST(SourceVmId AS CHAR);");
            // A round-one archive was one vzdump file (its checksum known once pulled) and its log beside it. The log's
            // checksum was never taken: the portal takes it at its first start on the new version (ManifestBackfill).
            migrationBuilder.Sql("INSERT INTO archive_files (ArchiveId, Name, Role, SizeBytes, Sha256) SELECT Id, Label, 'archive', SizeBytes, Sha256 FROM archives;");
            migrationBuilder.Sql("INSERT INTO archive_files (ArchiveId, Name, Role, SizeBytes, Sha256) SELECT Id, LogFileName, 'log', 0, NULL FROM archives WHERE LogFileName IS NOT NULL;");

            // The new indexes first: the old one also serves the foreign key of SourceHypervisorId.
            migrationBuilder.CreateIndex(
                name: "IX_vm_pairs_SourceHypervisorId_SourceVm",
                table: "vm_pairs",
                columns: new[] { "SourceHypervisorId", "SourceVm" });

            migrationBuilder.CreateIndex(
                name: "IX_vm_pairs_TargetHypervisorId_TargetVm",
                table: "vm_pairs",
                columns: new[] { "TargetHypervisorId", "TargetVm" },
                unique: true);

            migrationBuilder.DropIndex(
                name: "IX_vm_pairs_SourceHypervisorId_SourceVmId",
                table: "vm_pairs");

            migrationBuilder.DropIndex(
                name: "IX_vm_pairs_TargetHypervisorId_TargetVmId",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "BackupMode",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "Compression",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "SourceVmId",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "TargetVmId",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "LogFileName",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "Sha256",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "SourceVmId",
                table: "archives");

            migrationBuilder.CreateIndex(
                name: "IX_archives_ParentArchiveId",
                table: "archives",
                column: "ParentArchiveId");

            migrationBuilder.CreateIndex(
                name: "IX_archive_files_ArchiveId_Name",
                table: "archive_files",
                columns: new[] { "ArchiveId", "Name" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_archives_archives_ParentArchiveId",
                table: "archives",
                column: "ParentArchiveId",
                principalTable: "archives",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_archives_archives_ParentArchiveId",
                table: "archives");

            migrationBuilder.DropTable(
                name: "archive_files");

            migrationBuilder.DropIndex(
                name: "IX_vm_pairs_SourceHypervisorId_SourceVm",
                table: "vm_pairs");

            migrationBuilder.DropIndex(
                name: "IX_vm_pairs_TargetHypervisorId_TargetVm",
                table: "vm_pairs");

            migrationBuilder.DropIndex(
                name: "IX_archives_ParentArchiveId",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "BackupOptions",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "SourceVm",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "SourceVmUuid",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "TargetVm",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "Metadata",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "ParentArchiveId",
                table: "archives");

            migrationBuilder.DropColumn(
                name: "SourceVm",
                table: "archives");

            migrationBuilder.RenameColumn(
                name: "StagingDirectory",
                table: "hypervisors",
                newName: "DumpDirectory");

            migrationBuilder.RenameColumn(
                name: "Label",
                table: "archives",
                newName: "FileName");

            migrationBuilder.RenameIndex(
                name: "IX_archives_SourceHypervisorId_Label",
                table: "archives",
                newName: "IX_archives_SourceHypervisorId_FileName");

            migrationBuilder.AddColumn<string>(
                name: "BackupMode",
                table: "vm_pairs",
                type: "varchar(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "Compression",
                table: "vm_pairs",
                type: "varchar(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<int>(
                name: "SourceVmId",
                table: "vm_pairs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "TargetVmId",
                table: "vm_pairs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "SourceArchivePath",
                table: "tasks",
                type: "varchar(1024)",
                maxLength: 1024,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "SourceLogPath",
                table: "tasks",
                type: "varchar(1024)",
                maxLength: 1024,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "TargetArchivePath",
                table: "tasks",
                type: "varchar(1024)",
                maxLength: 1024,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AlterColumn<string>(
                name: "RestoreStorage",
                table: "hypervisors",
                type: "varchar(64)",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "varchar(255)",
                oldMaxLength: 255,
                oldNullable: true)
                .Annotation("MySql:CharSet", "utf8mb4")
                .OldAnnotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "LogFileName",
                table: "archives",
                type: "varchar(255)",
                maxLength: 255,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "Sha256",
                table: "archives",
                type: "char(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<int>(
                name: "SourceVmId",
                table: "archives",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_vm_pairs_SourceHypervisorId_SourceVmId",
                table: "vm_pairs",
                columns: new[] { "SourceHypervisorId", "SourceVmId" });

            migrationBuilder.CreateIndex(
                name: "IX_vm_pairs_TargetHypervisorId_TargetVmId",
                table: "vm_pairs",
                columns: new[] { "TargetHypervisorId", "TargetVmId" },
                unique: true);
        }
    }
}
