namespace DrPortal.Core.Hypervisors;

/// <summary>The outcome of one guest-agent ping, with the tool's own words.</summary>
public sealed record GuestAgentReply(GuestAgentState State, string Detail);
