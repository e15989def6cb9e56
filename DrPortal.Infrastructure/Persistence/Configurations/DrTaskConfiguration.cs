using DrPortal.Core.Archives;
using DrPortal.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class DrTaskConfiguration : IEntityTypeConfiguration<DrTask>
{
    public void Configure(EntityTypeBuilder<DrTask> b)
    {
        b.ToTable("tasks");
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(t => t.CurrentStage).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.RequestedBy).HasMaxLength(256);
        b.Property(t => t.Error).HasMaxLength(DrTask.ErrorMaxLength);
        b.Property(t => t.ErrorOutput).HasMaxLength(DrTask.OutputMaxLength);
        b.Property(t => t.Verifying).HasMaxLength(DrTask.VerifyingMaxLength);
        // Unique while set: at most one queued or running task per pair and kind, enforced by the database.
        b.Property(t => t.ActiveKey).HasMaxLength(40);
        b.HasIndex(t => t.ActiveKey).IsUnique();
        // The task list's filters, newest (highest id) first: InnoDB appends the id to each secondary index, so a status,
        // status + kind or kind filter walks its index in id order and a page (also a deep skip) reads only ids.
        b.HasIndex(t => new { t.Status, t.Kind });
        b.HasIndex(t => t.Kind);
        b.HasIndex(t => new { t.VmPairId, t.CreatedAt });
        b.Property(t => t.PairLabel).HasMaxLength(200);
        b.HasOne(t => t.VmPair).WithMany().HasForeignKey(t => t.VmPairId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Archive>().WithMany().HasForeignKey(t => t.ArchiveId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(t => t.Stages).WithOne().HasForeignKey(s => s.DrTaskId).OnDelete(DeleteBehavior.Cascade);
        b.Ignore(t => t.IsFinished);
        b.Ignore(t => t.IsReversed);
        b.Ignore(t => t.IsRunMember);
        b.HasOne(t => t.DrRun).WithMany(r => r.Tasks).HasForeignKey(t => t.DrRunId).OnDelete(DeleteBehavior.Restrict);
        b.Property(t => t.ScratchVm).HasMaxLength(Core.Hypervisors.VmRef.MaxLength);
        b.Property(t => t.ScratchIdentity).HasMaxLength(Core.Pairs.VmPair.ReplicaIdentityMaxLength);
        b.Property(t => t.CheckResult).HasMaxLength(DrTask.CheckResultMaxLength);
    }
}

internal sealed class DrTaskStageConfiguration : IEntityTypeConfiguration<DrTaskStage>
{
    public void Configure(EntityTypeBuilder<DrTaskStage> b)
    {
        b.ToTable("task_stages");
        b.Property(s => s.Name).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(s => s.Message).HasMaxLength(500);
        b.HasIndex(s => new { s.DrTaskId, s.Name }).IsUnique();
        b.Ignore(s => s.Duration);
        b.Ignore(s => s.LastStartedAt);
        b.Ignore(s => s.HostProcess);
    }
}

internal sealed class DrTaskLogLineConfiguration : IEntityTypeConfiguration<DrTaskLogLine>
{
    public void Configure(EntityTypeBuilder<DrTaskLogLine> b)
    {
        b.ToTable("task_log_lines");
        b.Property(l => l.Line).HasMaxLength(DrTaskLogLine.MaxLength);
        b.HasIndex(l => new { l.DrTaskId, l.Id });
        b.HasOne<DrTask>().WithMany().HasForeignKey(l => l.DrTaskId).OnDelete(DeleteBehavior.Cascade);
    }
}
