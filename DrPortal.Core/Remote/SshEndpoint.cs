using DrPortal.Core.Hosts;

namespace DrPortal.Core.Remote;

/// <summary>Where and as whom to log in, and which host key must answer.</summary>
public sealed record SshEndpoint(string Address, int Port, string User, HostKey? PinnedHostKey)
{
    public static SshEndpoint For(Hypervisor hypervisor) =>
        new(hypervisor.Address, hypervisor.SshPort, hypervisor.SshUser, hypervisor.PinnedHostKey);
}

/// <summary>Thrown when a host presents a key other than the pinned one: all work with it stops.</summary>
public sealed class HostKeyMismatchException(string address, string presented, string? pinned)
    : Exception(pinned is null
        ? $"The host key of {address} ({presented}) has not been trusted yet. An admin must confirm its fingerprint first."
        : $"The host key of {address} changed: it presented {presented} but {pinned} is pinned. Work with this host is stopped until an admin accepts the new key.")
{
    public string Presented { get; } = presented;
    public string? Pinned { get; } = pinned;
}

/// <summary>Thrown when a host cannot be reached or refuses the login.</summary>
public sealed class RemoteConnectionException(string message, Exception? inner = null) : Exception(message, inner);
