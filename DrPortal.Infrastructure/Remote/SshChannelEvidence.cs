using System.Reflection;
using Renci.SshNet;

namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// Whether a command that failed to start can have reached the host. SSH.NET's ExecuteAsync opens the channel and sends
/// the exec request in one call and says nothing about where it failed; but it sends the exec request only after the
/// host confirmed the channel, and the confirmation is what sets the channel's remote number. No remote number: the host
/// never saw the command, so running it on a fresh connection cannot run it twice.
/// SSH.NET keeps both fields private; when a version renames them this answers "may have reached" (no retry), and
/// <c>SshChannelEvidenceTests</c> fails so the change is seen.
/// </summary>
internal static class SshChannelEvidence
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    internal static readonly FieldInfo? CommandChannel = typeof(SshCommand).GetField("_channel", Private);

    internal static readonly FieldInfo? RemoteChannelNumber = FindRemoteChannelNumber(CommandChannel?.FieldType.Assembly);

    /// <summary>True only when the command provably never reached the host (its channel was never confirmed).</summary>
    public static bool NeverReachedHost(SshCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (CommandChannel is null || RemoteChannelNumber is null)
        {
            return false;
        }
        var channel = CommandChannel.GetValue(command);
        if (channel is null)
        {
            // Failed before a channel was even created (the client was not connected).
            return true;
        }
        if (!RemoteChannelNumber.DeclaringType!.IsInstanceOfType(channel))
        {
            return false;
        }
        // A uint? without a value boxes to null.
        return RemoteChannelNumber.GetValue(channel) is null;
    }

    private static FieldInfo? FindRemoteChannelNumber(Assembly? sshNet)
    {
        var channel = sshNet?.GetType("Renci.SshNet.Channels.Channel");
        var field = channel?.GetField("_remoteChannelNumber", Private);
        return field?.FieldType == typeof(uint?) ? field : null;
    }
}
