using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>How vzdump compresses its archive; a pair's "compress" option.</summary>
public enum BackupCompression
{
    /// <summary>No compression: the largest archive, the least CPU on the host.</summary>
    None,
    Lzo,
    Gzip,

    /// <summary>The default: fast and small, multi-threaded on the host.</summary>
    Zstd,
}

/// <summary>How vzdump holds a running VM while it is backed up; a pair's "mode" option.</summary>
public enum BackupMode
{
    /// <summary>The default: the VM keeps running while a consistent snapshot is read.</summary>
    Snapshot,

    /// <summary>The VM is suspended for the backup.</summary>
    Suspend,

    /// <summary>The VM is shut down for the backup and started again afterwards.</summary>
    Stop,
}

/// <summary>A pair's Proxmox backup options, read from its option map (validated against <see cref="ProxmoxProfile"/>).</summary>
public sealed record ProxmoxBackupOptions(BackupCompression Compression, BackupMode Mode)
{
    public const string CompressKey = "compress";
    public const string ModeKey = "mode";

    public static IReadOnlyList<BackupOptionSpec> Specs { get; } =
    [
        new(CompressKey, "Compression", "How vzdump compresses the archive: smaller archives move faster over slow links but cost CPU on the host.",
        [
            new("zstd", "Zstandard", "Fast and small, multi-threaded on the host (recommended)"),
            new("lzo", "LZO", "Fastest, larger archive"),
            new("gzip", "gzip", "Small, slow, single-threaded"),
            new("none", "None", "Largest archive, least CPU"),
        ], "zstd"),
        new(ModeKey, "Backup mode", "How vzdump holds a running VM while it reads it.",
        [
            new("snapshot", "Snapshot", "Live backup; the VM keeps running"),
            new("suspend", "Suspend", "The VM is paused while its state is saved"),
            new("stop", "Stop", "The VM is shut down for the backup and started again"),
        ], "snapshot"),
    ];

    public static ProxmoxBackupOptions From(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var compression = options.GetValueOrDefault(CompressKey, "zstd") switch
        {
            "none" => BackupCompression.None,
            "lzo" => BackupCompression.Lzo,
            "gzip" => BackupCompression.Gzip,
            "zstd" => BackupCompression.Zstd,
            var other => throw new ArgumentException($"Unknown Proxmox compression '{other}'.", nameof(options)),
        };
        var mode = options.GetValueOrDefault(ModeKey, "snapshot") switch
        {
            "snapshot" => BackupMode.Snapshot,
            "suspend" => BackupMode.Suspend,
            "stop" => BackupMode.Stop,
            var other => throw new ArgumentException($"Unknown Proxmox backup mode '{other}'.", nameof(options)),
        };
        return new(compression, mode);
    }

    public static Dictionary<string, string> ToMap(BackupCompression compression, BackupMode mode) => new(StringComparer.Ordinal)
    {
        [CompressKey] = compression.ToString().ToLowerInvariant(),
        [ModeKey] = mode.ToString().ToLowerInvariant(),
    };
}
