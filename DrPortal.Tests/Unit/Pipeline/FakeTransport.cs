using System.Security.Cryptography;
using System.Text;
using DrPortal.Core.Archives;
using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>Copies between the fake driver's host files and the fake repository, and hashes what is where.</summary>
internal sealed class FakeTransport(FakeDriver driver, FakeRepository repository) : IArchiveTransport
{
    public List<string> Pushed { get; } = [];
    public List<string> Removed { get; } = [];
    public Action<string>? BeforePull { get; set; }

    /// <summary>Relayed paths, as "host:path", in the order the pulls relayed them.</summary>
    public List<string> Relayed { get; } = [];

    /// <summary>When set, a relay is refused with this note (the recovery host had no room, say).</summary>
    public string? RelayRefusal { get; set; }

    public Task<PulledFile> PullAsync(Hypervisor host, string remotePath, string localPath, IStageReporter reporter, CancellationToken ct, RelayTarget? relay = null)
    {
        BeforePull?.Invoke(localPath);
        ct.ThrowIfCancellationRequested();
        var content = driver.HostFiles[$"{host.Name}:{remotePath}"];
        repository.Files[localPath] = content;
        var relayed = relay is not null && RelayRefusal is null;
        if (relayed)
        {
            // Where a relay leaves its bytes: the partial-data place, not the real name.
            driver.HostFiles[$"{relay!.Host.Name}:{relay.RemotePath}.partial"] = content;
            Relayed.Add($"{relay.Host.Name}:{relay.RemotePath}");
        }
        return Task.FromResult(new PulledFile(Sha(content), content.Length, relayed, relay is null ? null : RelayRefusal));
    }

    public Task PromoteRelayedAsync(Hypervisor host, string remotePath, CancellationToken ct)
    {
        var partial = $"{host.Name}:{remotePath}.partial";
        driver.HostFiles[$"{host.Name}:{remotePath}"] = driver.HostFiles[partial];
        driver.HostFiles.Remove(partial);
        return Task.CompletedTask;
    }

    public Task PushAsync(string localPath, Hypervisor host, string remotePath, IStageReporter reporter, CancellationToken ct)
    {
        Pushed.Add(remotePath);
        driver.HostFiles[$"{host.Name}:{remotePath}"] = repository.Files[localPath];
        return Task.CompletedTask;
    }

    public Task<string?> RemoteSha256Async(Hypervisor host, string remotePath, CancellationToken ct) =>
        Task.FromResult(driver.HostFiles.TryGetValue($"{host.Name}:{remotePath}", out var content) ? Sha(content) : null);

    public Task RemoveRemoteAsync(Hypervisor host, IReadOnlyList<string> remotePaths, CancellationToken ct)
    {
        foreach (var path in remotePaths)
        {
            Removed.Add($"{host.Name}:{path}");
            driver.HostFiles.Remove($"{host.Name}:{path}");
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RemoteFileEntry>> RemoteListAsync(Hypervisor host, string remoteDirectory, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RemoteFileEntry>>(driver.HostFiles.Keys.Where(k => k.StartsWith($"{host.Name}:{remoteDirectory}/", StringComparison.Ordinal))
            .Select(k => new RemoteFileEntry(k[(k.LastIndexOf('/') + 1)..], driver.HostFiles[k].Length, DateTimeOffset.UnixEpoch)).ToList());

    public Task<long> RemoteFreeBytesAsync(Hypervisor host, string remoteDirectory, CancellationToken ct) => Task.FromResult(1L << 40);

    public static string Sha(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
