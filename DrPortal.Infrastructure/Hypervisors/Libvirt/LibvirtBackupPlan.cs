namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>What the next backup of a domain will be, and why, in a sentence for the task log.</summary>
/// <param name="Incremental">Only the changes since <paramref name="BaseCheckpoint"/> are copied.</param>
/// <param name="MakeCheckpoint">The backup makes a checkpoint the next one can build on.</param>
/// <param name="Chain">The new point's place in its chain: 0 for a full point.</param>
public sealed record LibvirtBackupPlan(bool Incremental, bool MakeCheckpoint, string Reason, int Chain, string? BaseCheckpoint);
