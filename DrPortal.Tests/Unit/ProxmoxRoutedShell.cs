using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;

namespace DrPortal.Tests.Unit;

/// <summary>
/// An <see cref="IRemoteShell"/> that answers each command by the first route whose prefix its line starts with
/// (e.g. "qm config 9100"), so a driver method that runs several commands can be followed; an unrouted command fails.
/// </summary>
internal sealed class ProxmoxRoutedShell : IRemoteShell
{
    private readonly List<(string Prefix, Func<RemoteResult> Answer)> _routes = [];

    public List<string> Lines { get; } = [];

    public ProxmoxRoutedShell On(string prefix, RemoteResult answer) => On(prefix, () => answer);

    public ProxmoxRoutedShell On(string prefix, Func<RemoteResult> answer)
    {
        _routes.Add((prefix, answer));
        return this;
    }

    public Task<RemoteResult> RunAsync(SshEndpoint endpoint, RemoteCommand command, CancellationToken ct, Action<string>? onOutputLine = null)
    {
        var line = command.ToString();
        Lines.Add(line);
        var route = _routes.FirstOrDefault(r => line.StartsWith(r.Prefix, StringComparison.Ordinal));
        return Task.FromResult(route.Answer?.Invoke() ?? new RemoteResult(127, "", $"no route for '{line}'"));
    }

    public Task<HostKey> ProbeHostKeyAsync(string address, int port, CancellationToken ct) => throw new NotSupportedException();

    public Task<RemoteResult> RunWithPasswordAsync(SshEndpoint endpoint, string password, RemoteCommand command, CancellationToken ct) =>
        throw new NotSupportedException();
}
