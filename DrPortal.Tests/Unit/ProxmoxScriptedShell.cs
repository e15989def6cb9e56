using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;

namespace DrPortal.Tests.Unit;

/// <summary>An <see cref="IRemoteShell"/> that answers every command with one canned result, streaming its stdout lines.</summary>
internal sealed class ProxmoxScriptedShell(RemoteResult answer) : IRemoteShell
{
    public List<RemoteCommand> Commands { get; } = [];

    public Task<RemoteResult> RunAsync(SshEndpoint endpoint, RemoteCommand command, CancellationToken ct, Action<string>? onOutputLine = null)
    {
        Commands.Add(command);
        var lines = answer.StandardOutput.Split('\n');
        foreach (var line in answer.StandardOutput.EndsWith('\n') ? lines[..^1] : lines)
        {
            onOutputLine?.Invoke(line);
        }
        return Task.FromResult(answer);
    }

    public Task<HostKey> ProbeHostKeyAsync(string address, int port, CancellationToken ct) => throw new NotSupportedException();

    public Task<RemoteResult> RunWithPasswordAsync(SshEndpoint endpoint, string password, RemoteCommand command, CancellationToken ct) =>
        throw new NotSupportedException();
}
