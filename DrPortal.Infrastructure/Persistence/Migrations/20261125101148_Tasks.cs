using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Tasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BackupMode",
                table: "vm_pairs",
                type: "varchar(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "Snapshot")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "Compression",
                table: "vm_pairs",
                type: "varchar(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "Zstd")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<bool>(
                name: "RemoveSourceCopy",
                table: "vm_pairs",
                type: "tinyint(1)",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "BandwidthLimitKiBps",
                table: "hypervisors",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "archives",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    VmPairId = table.Column<int>(type: "int", nullable: true),
                    SourceHypervisorId = table.Column<int>(type: "int", nullable: false),
                    SourceHypervisorName = table.Column<string>(type: "varchar(63)", maxLength: 63, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    SourceVmId = table.Column<int>(type: "int", nullable: false),
                    FileName = table.Column<string>(type: "varchar(255)", maxLength: 255, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    LogFileName = table.Column<string>(type: "varchar(255)", maxLength: 255, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "char(64)", fixedLength: true, maxLength: 64, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false),
                    PulledAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    CreatedByTaskId = table.Column<long>(type: "bigint", nullable: true),
                    OnPrimary = table.Column<bool>(type: "tinyint(1)", nullable: false),
                    InRepository = table.Column<bool>(type: "tinyint(1)", nullable: false),
                    OnRecovery = table.Column<bool>(type: "tinyint(1)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_archives", x => x.Id);
                    table.ForeignKey(
                        name: "FK_archives_vm_pairs_VmPairId",
                        column: x => x.VmPairId,
                        principalTable: "vm_pairs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "tasks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    Kind = table.Column<string>(type: "varchar(16)", maxLength: 16, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    VmPairId = table.Column<int>(type: "int", nullable: true),
                    PairLabel = table.Column<string>(type: "varchar(200)", maxLength: 200, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Status = table.Column<string>(type: "varchar(24)", maxLength: 24, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CurrentStage = table.Column<string>(type: "varchar(16)", maxLength: 16, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Percent = table.Column<double>(type: "double", nullable: false),
                    BytesDone = table.Column<long>(type: "bigint", nullable: false),
                    BytesTotal = table.Column<long>(type: "bigint", nullable: true),
                    Throughput = table.Column<double>(type: "double", nullable: true),
                    RequestedBy = table.Column<string>(type: "varchar(256)", maxLength: 256, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    Error = table.Column<string>(type: "varchar(2000)", maxLength: 2000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    ErrorOutput = table.Column<string>(type: "varchar(8000)", maxLength: 8000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    WarningCount = table.Column<int>(type: "int", nullable: false),
                    CancelRequested = table.Column<bool>(type: "tinyint(1)", nullable: false),
                    ActiveKey = table.Column<string>(type: "varchar(40)", maxLength: 40, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    ArchiveId = table.Column<long>(type: "bigint", nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    SourceArchivePath = table.Column<string>(type: "varchar(1024)", maxLength: 1024, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    SourceLogPath = table.Column<string>(type: "varchar(1024)", maxLength: 1024, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    TargetArchivePath = table.Column<string>(type: "varchar(1024)", maxLength: 1024, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    TargetExistedBefore = table.Column<bool>(type: "tinyint(1)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_tasks_archives_ArchiveId",
                        column: x => x.ArchiveId,
                        principalTable: "archives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_tasks_vm_pairs_VmPairId",
                        column: x => x.VmPairId,
                        principalTable: "vm_pairs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "task_log_lines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    DrTaskId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false),
                    Line = table.Column<string>(type: "varchar(2000)", maxLength: 2000, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_task_log_lines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_task_log_lines_tasks_DrTaskId",
                        column: x => x.DrTaskId,
                        principalTable: "tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "task_stages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    DrTaskId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "varchar(16)", maxLength: 16, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Position = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "varchar(24)", maxLength: 24, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    Message = table.Column<string>(type: "varchar(500)", maxLength: 500, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_task_stages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_task_stages_tasks_DrTaskId",
                        column: x => x.DrTaskId,
                        principalTable: "tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateIndex(
                name: "IX_archives_SourceHypervisorId_FileName",
                table: "archives",
                columns: new[] { "SourceHypervisorId", "FileName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_archives_VmPairId_CreatedAt",
                table: "archives",
                columns: new[] { "VmPairId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_task_log_lines_DrTaskId_Id",
                table: "task_log_lines",
                columns: new[] { "DrTaskId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_task_stages_DrTaskId_Name",
                table: "task_stages",
                columns: new[] { "DrTaskId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_ActiveKey",
                table: "tasks",
                column: "ActiveKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_ArchiveId",
                table: "tasks",
                column: "ArchiveId");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_Status",
                table: "tasks",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_VmPairId_CreatedAt",
                table: "tasks",
                columns: new[] { "VmPairId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "task_log_lines");

            migrationBuilder.DropTable(
                name: "task_stages");

            migrationBuilder.DropTable(
                name: "tasks");

            migrationBuilder.DropTable(
                name: "archives");

            migrationBuilder.DropColumn(
                name: "BackupMode",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "Compression",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "RemoveSourceCopy",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "BandwidthLimitKiBps",
                table: "hypervisors");
        }
    }
}
