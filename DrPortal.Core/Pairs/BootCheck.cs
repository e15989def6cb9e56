namespace DrPortal.Core.Pairs;

/// <summary>
/// How a recovered VM proves it came up, in order: (a) the hypervisor reports it running and it stays running for
/// <see cref="StableSeconds"/>; (b) its guest agent answers, when the VM has one and <see cref="Agent"/> is on; (c) a TCP
/// port answers from the recovery host, when set; (d) a command on the recovery host exits 0, when set.
/// </summary>
/// <param name="StableSeconds">How long the VM must keep running after its start.</param>
/// <param name="Agent">Wait for the guest agent to answer when the VM has one configured.</param>
/// <param name="TimeoutSeconds">How long the whole check may take before it fails.</param>
/// <param name="TcpAddress">An IPv4 address the recovered VM answers on, checked from the recovery host.</param>
/// <param name="TcpPort">The TCP port at <paramref name="TcpAddress"/>.</param>
/// <param name="Command">A command run by sh on the recovery host (set by an admin); exit 0 passes. The VM's name is in $1.</param>
public sealed record BootCheck(int StableSeconds = 10, bool Agent = true, int TimeoutSeconds = 300, string? TcpAddress = null, int? TcpPort = null, string? Command = null)
{
    public const int MaxStableSeconds = 3600;
    public const int MinTimeoutSeconds = 10;
    public const int MaxTimeoutSeconds = 24 * 3600;
    public const int CommandMaxLength = 1000;

    public static BootCheck Default { get; } = new();

    /// <summary>"running 10 s, agent, tcp 10.0.0.5:443, command" for lists and reports.</summary>
    public string Describe()
    {
        var parts = new List<string> { $"running {StableSeconds} s" };
        if (Agent)
        {
            parts.Add("guest agent");
        }
        if (TcpAddress is not null && TcpPort is not null)
        {
            parts.Add($"tcp {TcpAddress}:{TcpPort}");
        }
        if (Command is not null)
        {
            parts.Add("command");
        }
        return string.Join(", ", parts);
    }
}
