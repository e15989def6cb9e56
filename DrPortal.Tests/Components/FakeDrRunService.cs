using DrPortal.Core.Common;
using DrPortal.Core.Recovery;

namespace DrPortal.Tests.Components;

/// <summary>Runs in memory: requests are recorded and answered with <see cref="NextResult"/> or a queued run; cancels are recorded.</summary>
internal sealed class FakeDrRunService : IDrRunService
{
    public List<DrRun> Runs { get; } = [];
    public List<(string What, int Id, DrRunRequest Request)> Requests { get; } = [];
    public List<long> Cancelled { get; } = [];
    public Result<DrRun>? NextResult { get; set; }
    public int Finds { get; private set; }

    public Task<Result<DrRun>> DrillPlanAsync(int planId, DrRunRequest request, string actor, CancellationToken ct) => RequestAsync("drill-plan", planId, DrRunKind.Drill, request);

    public Task<Result<DrRun>> DrillPairAsync(int pairId, DrRunRequest request, string actor, CancellationToken ct) => RequestAsync("drill-pair", pairId, DrRunKind.Drill, request);

    public Task<Result<DrRun>> FailoverAsync(int planId, DrRunKind kind, DrRunRequest request, string actor, CancellationToken ct) => RequestAsync(kind.ToString(), planId, kind, request);

    public Task<Result<DrRun>> FailbackAsync(int planId, DrRunRequest request, string actor, CancellationToken ct) => RequestAsync("failback", planId, DrRunKind.Failback, request);

    public Task<Result<DrRun>> CancelAsync(long runId, string actor, CancellationToken ct)
    {
        Cancelled.Add(runId);
        var run = Runs.Single(r => r.Id == runId);
        run.CancelRequested = true;
        return Task.FromResult(Result<DrRun>.Ok(run));
    }

    public Task<IReadOnlyList<DrRun>> ListAsync(int? planId, int? pairId, int take, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<DrRun>>([.. Runs.Where(r => planId is null || r.RecoveryPlanId == planId).OrderByDescending(r => r.Id).Take(take)]);

    public Task<DrRun?> FindAsync(long runId, CancellationToken ct)
    {
        Finds++;
        return Task.FromResult(Runs.FirstOrDefault(r => r.Id == runId));
    }

    private Task<Result<DrRun>> RequestAsync(string what, int id, DrRunKind kind, DrRunRequest request)
    {
        Requests.Add((what, id, request));
        if (NextResult is { } next)
        {
            NextResult = null;
            return Task.FromResult(next);
        }
        var run = new DrRun { Id = Runs.Count + 1, Kind = kind, RecoveryPlanId = what == "drill-pair" ? null : id, Label = "requested", Status = DrRunStatus.Queued };
        Runs.Add(run);
        return Task.FromResult(Result<DrRun>.Ok(run));
    }
}
