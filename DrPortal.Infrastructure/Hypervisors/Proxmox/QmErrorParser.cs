using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>What a failed <c>qm</c> command meant, so a stage can tell "no such VM" from a real failure.</summary>
public enum QmFailureKind
{
    /// <summary>A message the reference does not list; the text is kept.</summary>
    Other,

    /// <summary>No VM with that VMID on the node (status, config, destroy, start, stop, shutdown).</summary>
    VmNotFound,

    /// <summary><c>qm start</c> on a running VM.</summary>
    AlreadyRunning,

    /// <summary><c>qm destroy</c> of a running VM.</summary>
    VmRunning,

    /// <summary>The VM is locked (backup, migrate, ...); <see cref="QmFailure.Lock"/> says by what.</summary>
    Locked,
}

/// <summary>A classified qm failure; <see cref="Message"/> is the tool's own line.</summary>
public sealed record QmFailure(QmFailureKind Kind, string Message, string? Lock = null);

/// <summary>Classifies qm's stderr by the messages of shared/pve-cli-reference.md ("qm" section).</summary>
public static partial class QmErrorParser
{
    [GeneratedRegex(@"^Configuration file 'nodes/[^/']+/qemu-server/[0-9]+\.conf' does not exist\z")]
    private static partial Regex MissingConfigPattern();

    [GeneratedRegex(@"^unable to find configuration file for VM [0-9]+ on node '")]
    private static partial Regex MissingConfigForStopPattern();

    [GeneratedRegex(@"^VM [0-9]+ already running\z")]
    private static partial Regex AlreadyRunningPattern();

    [GeneratedRegex(@"^VM [0-9]+ is running - destroy failed\z")]
    private static partial Regex RunningDestroyPattern();

    [GeneratedRegex(@"^VM is locked \((?<lock>[^)]*)\)\z")]
    private static partial Regex LockedPattern();

    public static QmFailure Classify(string? standardError)
    {
        var lines = (standardError ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        foreach (var line in lines)
        {
            if (MissingConfigPattern().IsMatch(line) || MissingConfigForStopPattern().IsMatch(line))
            {
                return new QmFailure(QmFailureKind.VmNotFound, line);
            }
            if (AlreadyRunningPattern().IsMatch(line))
            {
                return new QmFailure(QmFailureKind.AlreadyRunning, line);
            }
            if (RunningDestroyPattern().IsMatch(line))
            {
                return new QmFailure(QmFailureKind.VmRunning, line);
            }
            if (LockedPattern().Match(line) is { Success: true } m)
            {
                return new QmFailure(QmFailureKind.Locked, line, m.Groups["lock"].Value);
            }
        }
        return new QmFailure(QmFailureKind.Other, lines.FirstOrDefault() ?? "qm failed without a message.");
    }
}
