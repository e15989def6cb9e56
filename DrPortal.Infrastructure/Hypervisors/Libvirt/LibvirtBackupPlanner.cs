using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// Decides full or incremental: incremental only on the base point's own checkpoint, still on the host, for the same
/// domain (UUID) with the same disks, within the pair's chain length. Every fallback names its reason.
/// </summary>
public static class LibvirtBackupPlanner
{
    /// <param name="basePoint">The newest verified point of the pair (the request's Base), or null.</param>
    /// <param name="running">The domain runs: only then can QEMU copy changed blocks and make a checkpoint.</param>
    /// <param name="uuid">The domain's UUID now.</param>
    /// <param name="devs">The disks the point will hold.</param>
    /// <param name="allQcow2">Every one of them is qcow2 (checkpoints are dirty bitmaps inside qcow2 images).</param>
    /// <param name="hostCheckpoints">The domain's checkpoints on the host now.</param>
    public static LibvirtBackupPlan Plan(LibvirtBackupOptions options, RestorePointInfo? basePoint, bool running, string? uuid,
        IReadOnlyCollection<string> devs, bool allQcow2, IReadOnlyCollection<string> hostCheckpoints, string hostName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(devs);
        ArgumentNullException.ThrowIfNull(hostCheckpoints);
        var makeCheckpoint = running && allQcow2;
        LibvirtBackupPlan Full(string reason) => new(false, makeCheckpoint, "Full backup: " + reason, 0, null);

        if (!running)
        {
            return Full("the domain is stopped; its disks are copied as they are.");
        }
        if (!allQcow2)
        {
            return Full("not every disk is qcow2, and libvirt checkpoints live in qcow2 images; no checkpoint is made, so the next backup is full too.");
        }
        if (!options.Incremental)
        {
            return Full("incremental backups are off for this pair.");
        }
        if (basePoint is null)
        {
            return Full("no earlier verified restore point of this pair to build on.");
        }
        var meta = LibvirtPointMetadata.TryParse(basePoint.Metadata);
        if (meta is null)
        {
            return Full($"restore point {basePoint.Label} carries no libvirt metadata to build on.");
        }
        if (meta.Checkpoint is null)
        {
            return Full($"restore point {basePoint.Label} has no checkpoint (it was a {(meta.Consistency == "stopped" ? "copy of the stopped domain" : "backup without one")}).");
        }
        if (!hostCheckpoints.Contains(meta.Checkpoint))
        {
            return Full($"checkpoint {meta.Checkpoint} of restore point {basePoint.Label} is gone on {hostName}, so the changes since that point are unknown.");
        }
        if (meta.Uuid is not null && uuid is not null && !string.Equals(meta.Uuid, uuid, StringComparison.OrdinalIgnoreCase))
        {
            return Full($"the domain's UUID is {uuid}, not {meta.Uuid} as at restore point {basePoint.Label}: it was redefined.");
        }
        var before = meta.Disks.Select(d => d.Dev).Order(StringComparer.Ordinal).ToList();
        var now = devs.Order(StringComparer.Ordinal).ToList();
        if (!before.SequenceEqual(now, StringComparer.Ordinal))
        {
            return Full($"the disks changed since restore point {basePoint.Label} ({string.Join(", ", before)} then, {string.Join(", ", now)} now).");
        }
        var chain = meta.Chain + 1;
        if (options.FullEvery > 0 && chain > options.FullEvery)
        {
            return Full($"restore point {basePoint.Label} ends a chain of {meta.Chain} incremental(s), the most this pair allows before a full point ({LibvirtBackupOptions.FullEveryKey} {options.FullEvery}).");
        }
        return new(true, true,
            $"Incremental backup on restore point {basePoint.Label} (checkpoint {meta.Checkpoint}): incremental {chain}" +
            (options.FullEvery > 0 ? $" of at most {options.FullEvery} before the next full point." : " of an open chain."),
            chain, meta.Checkpoint);
    }
}
