using DrPortal.Core.Common;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DrPortal.Infrastructure.Persistence.Configurations;

internal sealed class ScheduleConfiguration : IEntityTypeConfiguration<Schedule>
{
    public void Configure(EntityTypeBuilder<Schedule> b)
    {
        b.ToTable("schedules");
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.Timing).HasConversion<string>().HasMaxLength(8);
        b.Property(s => s.DailyAt).HasMaxLength(5);
        b.Property(s => s.Cron).HasMaxLength(120);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Property(s => s.Note).HasMaxLength(TextRules.NoteMaxLength);
        // A pair's schedules go with it; their runs go with them (tasks keep their history, see below).
        b.HasOne(s => s.VmPair).WithMany().HasForeignKey(s => s.VmPairId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<DrTask>().WithOne().HasForeignKey(t => t.ScheduleId).OnDelete(DeleteBehavior.SetNull);
        b.Ignore(s => s.TaskKind);
        b.Ignore(s => s.Retention);
        b.Ignore(s => s.CronExpression);
    }
}

internal sealed class ScheduleRunConfiguration : IEntityTypeConfiguration<ScheduleRun>
{
    public void Configure(EntityTypeBuilder<ScheduleRun> b)
    {
        b.ToTable("schedule_runs");
        b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Message).HasMaxLength(500);
        // The claim: one row per slot, so concurrent triggers of a slot cannot both queue a task.
        b.HasIndex(r => new { r.ScheduleId, r.SlotTime }).IsUnique();
        b.HasOne<Schedule>().WithMany().HasForeignKey(r => r.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<DrTask>().WithMany().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.SetNull);
    }
}
