namespace DrPortal.Core.Hosts;

/// <summary>What the last background check of a host found (the Hosts page shows it as a chip).</summary>
public enum HostCheckState
{
    /// <summary>Not checked yet.</summary>
    Unknown,

    /// <summary>Logged in with the portal's key; the pinned host key was presented; free space is above the threshold.</summary>
    Reachable,

    /// <summary>Reachable, but its dump area has less free space than the threshold.</summary>
    SpaceLow,

    /// <summary>Connecting or logging in failed.</summary>
    Unreachable,

    /// <summary>The host presents another key than the pinned one: nothing runs there until an admin trusts it again.</summary>
    HostKeyChanged,

    /// <summary>No host key is trusted yet, so the host is not contacted.</summary>
    NotTrusted,
}

public static class HostCheckStateExtensions
{
    /// <summary>Whether the portal could log in to the host (a low-space host is still reachable).</summary>
    public static bool IsReachable(this HostCheckState state) => state is HostCheckState.Reachable or HostCheckState.SpaceLow;
}
