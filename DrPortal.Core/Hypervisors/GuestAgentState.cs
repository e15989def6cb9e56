namespace DrPortal.Core.Hypervisors;

/// <summary>What asking a VM's guest agent for a ping found.</summary>
public enum GuestAgentState
{
    /// <summary>The agent answered.</summary>
    Answered,

    /// <summary>The VM has no guest agent channel configured, so none can answer (not a failure of the guest).</summary>
    NotConfigured,

    /// <summary>The VM is not running.</summary>
    VmNotRunning,

    /// <summary>A channel is configured but no agent answered (yet).</summary>
    NoAnswer,
}
