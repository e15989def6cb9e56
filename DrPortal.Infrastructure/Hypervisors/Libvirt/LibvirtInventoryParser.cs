using System.Globalization;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// Reads the inventory script's output (<see cref="LibvirtCommands.Inventory"/>): per domain an "@domain NAME" line,
/// its <c>virsh dominfo</c>, "@blk" and its <c>virsh domblkinfo --all</c>, "@pid" and its QEMU PID when it runs.
/// </summary>
public static class LibvirtInventoryParser
{
    public const string DomainMarker = "@domain ";
    public const string BlockMarker = "@blk";
    public const string PidMarker = "@pid";
    public const string EndMarker = "@end";

    /// <exception cref="FormatException">The output does not end with "@end": the listing was cut off.</exception>
    public static IReadOnlyList<VmInfo> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var vms = new List<VmInfo>();
        Entry? current = null;
        var section = "";
        var ended = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(DomainMarker, StringComparison.Ordinal))
            {
                Flush();
                current = new Entry(line[DomainMarker.Length..]);
                section = "info";
                continue;
            }
            if (line == BlockMarker || line == PidMarker)
            {
                section = line;
                continue;
            }
            if (line == EndMarker)
            {
                ended = true;
                break;
            }
            if (current is null)
            {
                continue;
            }
            switch (section)
            {
                case "info" when DomJobInfoParser.TrySplit(line, out var key, out var value):
                    current.Info[key] = value;
                    break;
                case BlockMarker:
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var capacity))
                    {
                        current.DiskBytes += capacity;
                    }
                    break;
                case PidMarker when int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1:
                    current.Pid = pid;
                    break;
                default:
                    break;
            }
        }
        Flush();
        return ended ? vms : throw new FormatException("The domain listing ended early (no @end line).");

        void Flush()
        {
            if (current is not null && current.Name.Length > 0)
            {
                vms.Add(current.ToVmInfo());
            }
            current = null;
        }
    }

    /// <summary><c>virsh domblkinfo --all</c>: dev → capacity in bytes (the header and disks without media are skipped).</summary>
    public static IReadOnlyDictionary<string, long> Capacities(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var capacity))
            {
                sizes[fields[0]] = capacity;
            }
        }
        return sizes;
    }

    /// <summary><c>virsh domstate</c>'s words as a power state.</summary>
    public static VmPowerState State(string? state) => state?.Trim() switch
    {
        "running" or "in shutdown" => VmPowerState.Running,
        "shut off" or "crashed" => VmPowerState.Stopped,
        "paused" or "pmsuspended" => VmPowerState.Paused,
        _ => VmPowerState.Unknown,
    };

    /// <summary>"32768 KiB" → 32 (MiB).</summary>
    public static long MemoryMiB(string? text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return 0;
        }
        return (parts.Length > 1 ? parts[1] : "KiB") switch
        {
            "B" or "bytes" => number / (1024 * 1024),
            "MiB" => number,
            "GiB" => number * 1024,
            _ => number / 1024,
        };
    }

    private sealed class Entry(string name)
    {
        public string Name { get; } = name.Trim();
        public Dictionary<string, string> Info { get; } = new(StringComparer.Ordinal);
        public long DiskBytes { get; set; }
        public int? Pid { get; set; }

        public VmInfo ToVmInfo()
        {
            var state = State(Info.GetValueOrDefault("State"));
            int? cpus = int.TryParse(Info.GetValueOrDefault("CPU(s)"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;
            var uuid = Info.GetValueOrDefault("UUID");
            return new VmInfo(VmRef.Of(Name), Name, state, MemoryMiB(Info.GetValueOrDefault("Max memory")),
                DiskBytes / (1024d * 1024 * 1024), state == VmPowerState.Running ? Pid : null,
                string.IsNullOrEmpty(uuid) ? null : uuid, cpus);
        }
    }
}
