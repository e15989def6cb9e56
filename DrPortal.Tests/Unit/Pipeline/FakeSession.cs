using DrPortal.Core.Archives;
using DrPortal.Core.Tasks.Pipeline;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>The rows of one run in memory: points get ids when added, saves are counted.</summary>
internal sealed class FakeSession : ITaskSession
{
    public List<Archive> Archives { get; } = [];
    public int Saves { get; private set; }
    public bool CancelRequested { get; set; }

    public Task SaveAsync()
    {
        Saves++;
        return Task.CompletedTask;
    }

    public Task<Archive?> FindArchiveAsync(long id) => Task.FromResult(Archives.FirstOrDefault(a => a.Id == id));

    public Task<Archive?> FindArchiveByLabelAsync(int sourceHypervisorId, string label) =>
        Task.FromResult(Archives.FirstOrDefault(a => a.SourceHypervisorId == sourceHypervisorId && a.Label == label));

    public void AddArchive(Archive archive)
    {
        archive.Id = Archives.Count == 0 ? 1 : Archives.Max(a => a.Id) + 1;
        Archives.Add(archive);
    }

    public Task<IReadOnlyList<Archive>> ArchivesOfPairAsync(int pairId) =>
        Task.FromResult<IReadOnlyList<Archive>>(Archives.Where(a => a.VmPairId == pairId).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToList());

    public List<Core.Recovery.DrRunGroup> RunGroups { get; } = [];
    public Core.Recovery.DrRun? Run { get; set; }
    public HashSet<string> Claimed { get; } = [];

    public Task<Core.Recovery.DrRunGroup?> RunGroupAsync(long runId, int position) =>
        Task.FromResult(RunGroups.FirstOrDefault(g => g.DrRunId == runId && g.Position == position));

    public Task<Core.Recovery.DrRun?> RunAsync(long runId) => Task.FromResult(Run);

    public Task<IReadOnlySet<string>> ClaimedVmsAsync(int hostId) => Task.FromResult<IReadOnlySet<string>>(Claimed);

    public Task<Archive?> NewestVerifiedAsync(int pairId, long? except = null, DateTimeOffset? notAfter = null, int? fromHost = null) =>
        Task.FromResult(Archives.Where(a => a.VmPairId == pairId && a.IsVerified && a.Id != except && (notAfter is null || a.CreatedAt <= notAfter)
                                            && (fromHost is null || a.SourceHypervisorId == fromHost))
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).FirstOrDefault());

    public Task<IReadOnlyList<Archive>> ChainAsync(Archive point)
    {
        var chain = new List<Archive> { point };
        while (chain[^1].ParentArchiveId is { } parent)
        {
            chain.Add(Archives.Single(a => a.Id == parent));
        }
        chain.Reverse();
        return Task.FromResult<IReadOnlyList<Archive>>(chain);
    }

    public Task<bool> CancelRequestedAsync() => Task.FromResult(CancelRequested);
}
