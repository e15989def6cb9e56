using DrPortal.Core.Archives;
using DrPortal.Core.Common;

namespace DrPortal.Tests.Components;

/// <summary>Archives in memory; <see cref="NextDeleteResult"/> makes the next delete answer with a chosen result.</summary>
internal sealed class FakeArchiveStore : IArchiveStore
{
    public List<Archive> Archives { get; } = [];
    public Result<Archive>? NextDeleteResult { get; set; }
    public List<long> Deleted { get; } = [];

    /// <summary>The windows <see cref="PageAsync"/> was asked for.</summary>
    public List<ListWindow> Pages { get; } = [];

    /// <summary>Returned in insertion order, not newest first, so pages that must sort do.</summary>
    public Task<IReadOnlyList<Archive>> ListAsync(int? pairId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Archive>>(Archives.Where(a => pairId is null || a.VmPairId == pairId).ToList());

    public async Task<ArchivePage> PageAsync(int? pairId, ListWindow window, CancellationToken ct)
    {
        var all = (await ListAsync(pairId, ct)).OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).ToList();
        Pages.Add(window);
        return new ArchivePage(all.Skip(window.Skip).Take(window.Take).ToList(), all.Count, all.Sum(a => a.SizeBytes));
    }

    /// <summary>A copy, as each database read gives: a page sees a later change to the stored archive only by reading again.</summary>
    public Task<Archive?> FindAsync(long id, CancellationToken ct) =>
        Task.FromResult(Archives.FirstOrDefault(a => a.Id == id) is { } a ? Copy(a) : null);

    public async Task<ArchiveChain?> ChainAsync(long id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } point ? await ArchiveChain.WalkAsync(point, parent => FindAsync(parent, ct)) : null;

    public Task<Result<Archive>> DeleteAsync(long id, string actor, CancellationToken ct)
    {
        Deleted.Add(id);
        return Task.FromResult(NextDeleteResult ?? Result<Archive>.Ok(Archives.Single(a => a.Id == id)));
    }

    public List<(long Id, bool Protected, string Actor)> ProtectionChanges { get; } = [];

    public Task<Result<Archive>> SetProtectionAsync(long id, bool isProtected, string actor, CancellationToken ct)
    {
        ProtectionChanges.Add((id, isProtected, actor));
        var archive = Archives.Single(a => a.Id == id);
        archive.IsProtected = isProtected;
        return Task.FromResult(Result<Archive>.Ok(Copy(archive)));
    }

    /// <summary>Every settable property, so a field added to Archive later is copied too.</summary>
    private static Archive Copy(Archive archive)
    {
        var copy = new Archive();
        foreach (var property in typeof(Archive).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(copy, property.GetValue(archive));
        }
        return copy;
    }
}
