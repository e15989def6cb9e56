using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>A remote shell that records each command and answers with the exit status a test sets.</summary>
internal sealed class FakeShell : IRemoteShell
{
    public List<RemoteCommand> Commands { get; } = [];
    public Func<RemoteCommand, int> Exit { get; set; } = _ => 0;

    public Task<RemoteResult> RunAsync(SshEndpoint endpoint, RemoteCommand command, CancellationToken ct, Action<string>? onOutputLine = null)
    {
        Commands.Add(command);
        return Task.FromResult(new RemoteResult(Exit(command), "", ""));
    }

    public Task<HostKey> ProbeHostKeyAsync(string address, int port, CancellationToken ct) => throw new NotSupportedException();

    public Task<RemoteResult> RunWithPasswordAsync(SshEndpoint endpoint, string password, RemoteCommand command, CancellationToken ct) => throw new NotSupportedException();
}
