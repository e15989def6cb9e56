using System.Collections.Concurrent;
using DrPortal.Core.Coverage;

namespace DrPortal.Tests.Components;

/// <summary>Hands out the reports a test queued, one per call (the last one again when they run out); records refreshes.</summary>
internal sealed class FakeCoverageQuery : ICoverageQuery
{
    public static readonly CoverageReport Empty = new([], [], [], [], null, false, []);

    private readonly ConcurrentQueue<CoverageReport> _reports = new();
    private CoverageReport _last = Empty;

    public int Refreshes { get; private set; }

    public void Enqueue(CoverageReport report) => _reports.Enqueue(report);

    public Task<CoverageReport> GetAsync(bool refresh, CancellationToken ct)
    {
        if (refresh)
        {
            Refreshes++;
        }
        if (_reports.TryDequeue(out var next))
        {
            _last = next;
        }
        return Task.FromResult(_last);
    }
}
