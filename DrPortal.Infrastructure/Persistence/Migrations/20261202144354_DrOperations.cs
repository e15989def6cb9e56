using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrPortal.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DrOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BootCheck",
                table: "vm_pairs",
                type: "varchar(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "{}")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "Direction",
                table: "vm_pairs",
                type: "varchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Protected")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "DrillNetwork",
                table: "vm_pairs",
                type: "varchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FailedOverAt",
                table: "vm_pairs",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FailedOverRunId",
                table: "vm_pairs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FailoverNetwork",
                table: "vm_pairs",
                type: "varchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastDrillAt",
                table: "vm_pairs",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "LastDrillPassed",
                table: "vm_pairs",
                type: "tinyint(1)",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastDrillRunId",
                table: "vm_pairs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReplicaArchiveId",
                table: "vm_pairs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceNics",
                table: "vm_pairs",
                type: "varchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CheckPassedAt",
                table: "tasks",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CheckResult",
                table: "tasks",
                type: "varchar(1000)",
                maxLength: 1000,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<int>(
                name: "DelaySeconds",
                table: "tasks",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "DrRunId",
                table: "tasks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PointCreatedAt",
                table: "tasks",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RunGroupPosition",
                table: "tasks",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RunningAt",
                table: "tasks",
                type: "datetime(6)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScratchIdentity",
                table: "tasks",
                type: "varchar(100)",
                maxLength: 100,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "ScratchVm",
                table: "tasks",
                type: "varchar(64)",
                maxLength: 64,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "recovery_plans",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    Name = table.Column<string>(type: "varchar(100)", maxLength: 100, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Description = table.Column<string>(type: "varchar(500)", maxLength: 500, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recovery_plans", x => x.Id);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "dr_runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    Kind = table.Column<string>(type: "varchar(20)", maxLength: 20, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    RecoveryPlanId = table.Column<int>(type: "int", nullable: true),
                    VmPairId = table.Column<int>(type: "int", nullable: true),
                    Label = table.Column<string>(type: "varchar(200)", maxLength: 200, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    Status = table.Column<string>(type: "varchar(20)", maxLength: 20, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    RequestedBy = table.Column<string>(type: "varchar(256)", maxLength: 256, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    Error = table.Column<string>(type: "varchar(2000)", maxLength: 2000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    CancelRequested = table.Column<bool>(type: "tinyint(1)", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    ShutdownSources = table.Column<bool>(type: "tinyint(1)", nullable: false),
                    FailbackTarget = table.Column<string>(type: "varchar(12)", maxLength: 12, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    KeepScratchMinutes = table.Column<int>(type: "int", nullable: false),
                    ScratchRemoveAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    ScratchRemovedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dr_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_dr_runs_recovery_plans_RecoveryPlanId",
                        column: x => x.RecoveryPlanId,
                        principalTable: "recovery_plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_dr_runs_vm_pairs_VmPairId",
                        column: x => x.VmPairId,
                        principalTable: "vm_pairs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "recovery_plan_groups",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    RecoveryPlanId = table.Column<int>(type: "int", nullable: false),
                    Position = table.Column<int>(type: "int", nullable: false),
                    Name = table.Column<string>(type: "varchar(100)", maxLength: 100, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    TimeoutSeconds = table.Column<int>(type: "int", nullable: false),
                    PreHook = table.Column<string>(type: "varchar(1000)", maxLength: 1000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    PostHook = table.Column<string>(type: "varchar(1000)", maxLength: 1000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    HookHypervisorId = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recovery_plan_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_recovery_plan_groups_hypervisors_HookHypervisorId",
                        column: x => x.HookHypervisorId,
                        principalTable: "hypervisors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_recovery_plan_groups_recovery_plans_RecoveryPlanId",
                        column: x => x.RecoveryPlanId,
                        principalTable: "recovery_plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "dr_run_groups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    DrRunId = table.Column<long>(type: "bigint", nullable: false),
                    Position = table.Column<int>(type: "int", nullable: false),
                    Title = table.Column<string>(type: "varchar(100)", maxLength: 100, nullable: false)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    TimeoutSeconds = table.Column<int>(type: "int", nullable: false),
                    PreHook = table.Column<string>(type: "varchar(1000)", maxLength: 1000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    PostHook = table.Column<string>(type: "varchar(1000)", maxLength: 1000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    HookHypervisorId = table.Column<int>(type: "int", nullable: true),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    SettledAt = table.Column<DateTimeOffset>(type: "datetime(6)", nullable: true),
                    TimedOut = table.Column<bool>(type: "tinyint(1)", nullable: false),
                    Log = table.Column<string>(type: "varchar(4000)", maxLength: 4000, nullable: true)
                        .Annotation("MySql:CharSet", "utf8mb4")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dr_run_groups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_dr_run_groups_dr_runs_DrRunId",
                        column: x => x.DrRunId,
                        principalTable: "dr_runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateTable(
                name: "recovery_plan_members",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    RecoveryPlanGroupId = table.Column<int>(type: "int", nullable: false),
                    VmPairId = table.Column<int>(type: "int", nullable: false),
                    Position = table.Column<int>(type: "int", nullable: false),
                    DelaySeconds = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recovery_plan_members", x => x.Id);
                    table.ForeignKey(
                        name: "FK_recovery_plan_members_recovery_plan_groups_RecoveryPlanGroup~",
                        column: x => x.RecoveryPlanGroupId,
                        principalTable: "recovery_plan_groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_recovery_plan_members_vm_pairs_VmPairId",
                        column: x => x.VmPairId,
                        principalTable: "vm_pairs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_DrRunId",
                table: "tasks",
                column: "DrRunId");

            migrationBuilder.CreateIndex(
                name: "IX_dr_run_groups_DrRunId_Position",
                table: "dr_run_groups",
                columns: new[] { "DrRunId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_dr_runs_CreatedAt",
                table: "dr_runs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_dr_runs_RecoveryPlanId",
                table: "dr_runs",
                column: "RecoveryPlanId");

            migrationBuilder.CreateIndex(
                name: "IX_dr_runs_Status",
                table: "dr_runs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_dr_runs_VmPairId",
                table: "dr_runs",
                column: "VmPairId");

            migrationBuilder.CreateIndex(
                name: "IX_recovery_plan_groups_HookHypervisorId",
                table: "recovery_plan_groups",
                column: "HookHypervisorId");

            migrationBuilder.CreateIndex(
                name: "IX_recovery_plan_groups_RecoveryPlanId_Position",
                table: "recovery_plan_groups",
                columns: new[] { "RecoveryPlanId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_recovery_plan_members_RecoveryPlanGroupId",
                table: "recovery_plan_members",
                column: "RecoveryPlanGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_recovery_plan_members_VmPairId",
                table: "recovery_plan_members",
                column: "VmPairId");

            migrationBuilder.CreateIndex(
                name: "IX_recovery_plans_Name",
                table: "recovery_plans",
                column: "Name",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_tasks_dr_runs_DrRunId",
                table: "tasks",
                column: "DrRunId",
                principalTable: "dr_runs",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_tasks_dr_runs_DrRunId",
                table: "tasks");

            migrationBuilder.DropTable(
                name: "dr_run_groups");

            migrationBuilder.DropTable(
                name: "recovery_plan_members");

            migrationBuilder.DropTable(
                name: "dr_runs");

            migrationBuilder.DropTable(
                name: "recovery_plan_groups");

            migrationBuilder.DropTable(
                name: "recovery_plans");

            migrationBuilder.DropIndex(
                name: "IX_tasks_DrRunId",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "BootCheck",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "Direction",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "DrillNetwork",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "FailedOverAt",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "FailedOverRunId",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "FailoverNetwork",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "LastDrillAt",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "LastDrillPassed",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "LastDrillRunId",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "ReplicaArchiveId",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "SourceNics",
                table: "vm_pairs");

            migrationBuilder.DropColumn(
                name: "CheckPassedAt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "CheckResult",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "DelaySeconds",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "DrRunId",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "PointCreatedAt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "RunGroupPosition",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "RunningAt",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "ScratchIdentity",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "ScratchVm",
                table: "tasks");
        }
    }
}
