using DrPortal.Core.Accounts;
using DrPortal.Core.Tasks;

namespace DrPortal.Web.Api;

internal static class PreflightApi
{
    public static void MapPreflightApi(this RouteGroupBuilder api)
    {
        api.MapGet("/pairs/{id:int}/preflight", async (int id, DrTaskKind? kind, long? archiveId, IPairPreflight preflight, CancellationToken ct) =>
                await preflight.CheckAsync(id, kind ?? DrTaskKind.Replicate, archiveId, ct) is { } report
                    ? TypedResults.Ok(PreflightDto.From(report))
                    : ApiResults.NotFound($"VM pair {id} does not exist."))
            .RequireAuthorization(Policies.CanOperate)
            .WithTags("VM pairs")
            .WithSummary("What a Backup, Replicate or Restore of the pair would meet, asked of both sites without changing anything: the source VM, " +
                         "host keys, the VM at the target and whether the pair may replace it, free space. A task runs the same checks first.");
    }
}

public sealed record PreflightCheckDto(string Name, PreflightStatus Status, string Message);

/// <param name="CanRun">False when a check failed: the task would stop at its first stage without touching anything.</param>
public sealed record PreflightDto(bool CanRun, TargetFate Target, string TargetSummary, IReadOnlyList<PreflightCheckDto> Checks)
{
    public static PreflightDto From(PreflightReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.CanRun, r.Target, r.TargetSummary, r.Checks.Select(c => new PreflightCheckDto(c.Name, c.Status, c.Message)).ToList());
    }
}
