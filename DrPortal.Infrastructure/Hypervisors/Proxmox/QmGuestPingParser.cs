using System.Text.RegularExpressions;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// What `qm guest cmd VMID ping` said (qemu-server CLI/qm.pm, API2/Qemu/Agent.pm): exit 0 and nothing printed is an
/// answer; the pre-checks fail with `No QEMU guest agent configured`, `VM N is not running` or
/// `QEMU guest agent is not running`, and an agent that does not reply in time with `... failed - got timeout`.
/// An error of the agent itself comes back as JSON with exit 0: that is no answer to a ping either.
/// </summary>
public static partial class QmGuestPingParser
{
    /// <returns>The reply; null when the command failed for another reason (no such VM, a lock, SSH), which is no
    /// statement about the guest and is for the caller to raise.</returns>
    public static GuestAgentReply? Classify(RemoteResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var stdout = result.StandardOutput.Trim();
        if (result.Succeeded)
        {
            return stdout.Length == 0
                ? new GuestAgentReply(GuestAgentState.Answered, "The guest agent answered the ping.")
                : new GuestAgentReply(GuestAgentState.NoAnswer, "The guest agent replied with an error: " + stdout.ReplaceLineEndings(" "));
        }
        // Both streams: Proxmox prints a task's lines on stdout and only the pre-checks on stderr.
        foreach (var line in (result.StandardError + "\n" + result.StandardOutput).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line == "No QEMU guest agent configured")
            {
                return new GuestAgentReply(GuestAgentState.NotConfigured, line);
            }
            if (NotRunning().IsMatch(line))
            {
                return new GuestAgentReply(GuestAgentState.VmNotRunning, line);
            }
            if (line == "QEMU guest agent is not running" || line.EndsWith("got timeout", StringComparison.Ordinal))
            {
                return new GuestAgentReply(GuestAgentState.NoAnswer, line);
            }
        }
        return null;
    }

    [GeneratedRegex(@"^VM [0-9]+ is not running\z")]
    private static partial Regex NotRunning();
}
