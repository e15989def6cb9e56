using System.Globalization;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>Pure parsers of `qm` output (formats from qemu-server's PVE/CLI/qm.pm).</summary>
public static class QmOutputParser
{
    /// <summary>
    /// Parses `qm list`: header "VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID", then rows
    /// "%10s %-20s %-10s %-10s %12.2f %-10s". Names may contain spaces (default "VM 100") or overflow
    /// their column, so the row is read from both ends. Lines that are not rows are ignored.
    /// </summary>
    public static IReadOnlyList<VmInfo> ParseList(string output)
    {
        var vms = new List<VmInfo>();
        foreach (var raw in output.Split('\n'))
        {
            var fields = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var vmid))
            {
                continue;
            }
            var n = fields.Length;
            if (!long.TryParse(fields[n - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var mem)
                || !double.TryParse(fields[n - 2], NumberStyles.Float, CultureInfo.InvariantCulture, out var disk)
                || !int.TryParse(fields[n - 1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            var name = string.Join(' ', fields[1..(n - 4)]);
            vms.Add(new VmInfo(VmRef.Of(vmid.ToString(CultureInfo.InvariantCulture)), name, ParseState(fields[n - 4]), mem, disk, pid > 0 ? pid : null));
        }
        return vms;
    }

    /// <summary>
    /// Parses `qm status`: "status: WORD", where WORD is "stopped" or, for a running VM, QEMU's query-status value
    /// (running, paused, prelaunch, suspended, postmigrate, inmigrate, io-error, ...). A word it does not know is
    /// <see cref="VmPowerState.Unknown"/>, never an error; <see cref="StatusWord"/> keeps it.
    /// </summary>
    public static VmPowerState ParseStatus(string output) => StatusWord(output) is { } word ? ParseState(word) : VmPowerState.Unknown;

    /// <summary>The raw word of `qm status` ("running", "io-error", ...), or null when no "status:" line was printed.</summary>
    public static string? StatusWord(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("status:", StringComparison.Ordinal))
            {
                var word = trimmed["status:".Length..].Trim();
                return word.Length > 0 ? word : null;
            }
        }
        return null;
    }

    // A VM that exists in QEMU but does not run its guest is Paused: paused by hand, suspended to RAM, or not yet
    // started (prelaunch, as a stop-mode backup leaves it while it reads the disks).
    private static VmPowerState ParseState(string word) => word switch
    {
        "running" => VmPowerState.Running,
        "stopped" => VmPowerState.Stopped,
        "paused" or "suspended" or "prelaunch" => VmPowerState.Paused,
        _ => VmPowerState.Unknown,
    };
}
