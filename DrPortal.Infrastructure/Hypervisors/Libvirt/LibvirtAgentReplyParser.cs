using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// What <c>virsh qemu-agent-command ... guest-ping</c> said, in the switch's words. libvirt 9's messages: "argument
/// unsupported: QEMU guest agent is not configured" (no channel), "Requested operation is not valid: domain is not
/// running", "Guest agent is not responding: QEMU guest agent is not connected" (no agent on the channel yet) and
/// "... not responding ... timeout" (the agent did not answer in time).
/// </summary>
public static class LibvirtAgentReplyParser
{
    /// <summary>The ping's outcome; null when virsh failed for a reason that is not the agent's (no such domain, no daemon).</summary>
    public static GuestAgentReply? Classify(RemoteResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var output = result.StandardOutput.Trim();
        var error = OneLine(result.StandardError);
        if (result.Succeeded)
        {
            return output.Contains("\"return\"", StringComparison.Ordinal)
                ? new GuestAgentReply(GuestAgentState.Answered, output)
                : new GuestAgentReply(GuestAgentState.NoAnswer, $"The agent's reply is not an answer: {(output.Length > 0 ? output : "nothing")}");
        }
        if (Has(error, "not configured"))
        {
            return new GuestAgentReply(GuestAgentState.NotConfigured, error);
        }
        if (Has(error, "domain is not running"))
        {
            return new GuestAgentReply(GuestAgentState.VmNotRunning, error);
        }
        if (Has(error, "not responding") || Has(error, "not connected") || Has(error, "timed out") || Has(error, "timeout")
            || Has(error, "agent is not available") || Has(error, "agent is busy"))
        {
            return new GuestAgentReply(GuestAgentState.NoAnswer, error);
        }
        return null;
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    private static string OneLine(string text) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
