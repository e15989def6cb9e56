using System.Globalization;
using System.Security.Claims;
using System.Text;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>Recovery plans, drills, failovers, failbacks, their runs and reports, and each pair's recovery settings.</summary>
internal static class RecoveryApi
{
    public static void MapRecoveryApi(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Recovery plans");
        plans.MapGet("/", async (IRecoveryPlanStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListAsync(ct)).Select(RecoveryPlanDto.From)));
        plans.MapGet("/{id:int}", async (int id, IRecoveryPlanStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } p ? TypedResults.Ok(RecoveryPlanDto.From(p)) : ApiResults.NotFound($"Recovery plan {id} does not exist."));
        plans.MapPost("/", async (RecoveryPlanInput body, ClaimsPrincipal user, IRecoveryPlanStore store, CancellationToken ct) =>
                (await store.CreateAsync(body, user.ActorName(), user.CanAdminister(), ct)).ToHttp(RecoveryPlanDto.From, p => $"/api/v1/plans/{p.Id}"))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary(PlanSaveSummary);
        plans.MapPut("/{id:int}", async (int id, RecoveryPlanInput body, ClaimsPrincipal user, IRecoveryPlanStore store, CancellationToken ct) =>
                (await store.UpdateAsync(id, body, user.ActorName(), user.CanAdminister(), ct)).ToHttp(RecoveryPlanDto.From))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary(PlanSaveSummary);
        plans.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IRecoveryPlanStore store, CancellationToken ct) =>
                (await store.DeleteAsync(id, user.ActorName(), ct)).ToHttp(RecoveryPlanDto.From))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Deletes the plan; its past runs stay, with the plan's name as it was.");

        plans.MapPost("/{id:int}/drill", async (int id, DrillRequestBody? body, ClaimsPrincipal user, IDrRunService runs, CancellationToken ct) =>
                Accepted(await runs.DrillPlanAsync(id, new DrRunRequest(KeepScratchMinutes: body?.KeepScratchMinutes ?? 0), user.ActorName(), ct)))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Drills the plan: each VM restored to a scratch VM on its drill network, started group by group, boot-checked and timed, then removed " +
                         "(or kept keepScratchMinutes). Production targets and schedules are not touched. 202 with the queued run.");
        plans.MapPost("/{id:int}/failover", async (int id, FailoverRequestBody? body, ClaimsPrincipal user, IDrRunService runs, CancellationToken ct) =>
            {
                DrRunKind? kind = body?.Mode switch
                {
                    "planned" => DrRunKind.PlannedFailover,
                    "disaster" => DrRunKind.DisasterFailover,
                    _ => null,
                };
                if (kind is null)
                {
                    return ApiResults.Problem(Result<DrRun>.Invalid("mode", "Mode is \"planned\" (a last replication first) or \"disaster\" (the primary site is gone)."));
                }
                return Accepted(await runs.FailoverAsync(id, kind.Value, new DrRunRequest(Confirm: body!.Confirm, ShutdownSources: body.ShutdownSources), user.ActorName(), ct));
            })
            .RequireAuthorization(Policies.CanAdminister)
            .WithSummary("Fails the plan over to the recovery site (Admin). confirm must repeat the plan's name exactly (400 naming confirm otherwise). " +
                         "planned: sources shut down when shutdownSources, a last replication, then the plan's start order; disaster: the newest verified copies, never waiting on a primary host.");
        plans.MapPost("/{id:int}/failback", async (int id, FailbackRequestBody? body, ClaimsPrincipal user, IDrRunService runs, CancellationToken ct) =>
            {
                FailbackTarget? target = body?.Target switch
                {
                    "original" or null => FailbackTarget.Original,
                    "newVm" => FailbackTarget.NewVm,
                    _ => null,
                };
                if (target is null)
                {
                    return ApiResults.Problem(Result<DrRun>.Invalid("target", "Target is \"original\" (over the source VMs, with confirmOverwrite) or \"newVm\"."));
                }
                var request = new DrRunRequest(Confirm: body?.Confirm, FailbackTarget: target.Value, ConfirmOverwrite: body?.ConfirmOverwrite ?? false);
                return Accepted(await runs.FailbackAsync(id, request, user.ActorName(), ct));
            })
            .RequireAuthorization(Policies.CanAdminister)
            .WithSummary("Brings a failed-over plan home (Admin): the recovery VMs replicated back to the primary site, over the originals " +
                         "(confirmOverwrite must be true) or into new VMs, then started there in the plan's order. confirm must repeat the plan's name.");

        var pairs = api.MapGroup("/pairs").WithTags("VM pairs");
        pairs.MapPost("/{id:int}/drill", async (int id, DrillRequestBody? body, ClaimsPrincipal user, IDrRunService runs, CancellationToken ct) =>
                Accepted(await runs.DrillPairAsync(id, new DrRunRequest(KeepScratchMinutes: body?.KeepScratchMinutes ?? 0), user.ActorName(), ct)))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Drills one pair: its newest verified point restored to a scratch VM on the drill network, started, boot-checked and timed, then removed. 202 with the queued run.");
        pairs.MapGet("/{id:int}/recovery", async (int id, IPairRecovery recovery, IVmPairStore store, CancellationToken ct) =>
            {
                var view = await recovery.GetAsync(id, ct);
                var pair = view.IsOk ? await store.FindAsync(id, ct) : null;
                return view.ToHttp(v => PairRecoveryDto.From(v, pair));
            })
            .WithSummary("The pair's failover and drill network mappings and boot check, with the recovery host's networks (isolated ones flagged) and the source VM's NICs. " +
                         "A host that does not answer leaves its list empty and says why in networksError / nicsError. Also where the service runs (direction) and the last drill.");
        pairs.MapPut("/{id:int}/recovery", async (int id, PairRecoveryInput body, ClaimsPrincipal user, IPairRecovery recovery, CancellationToken ct) =>
                (await recovery.SaveAsync(id, body, user.ActorName(), user.CanAdminister(), ct)).ToHttp(PairRecoverySavedDto.From))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Saves the pair's network mappings and boot check. Errors are keyed by field (failoverNetwork[0].network, bootCheck.timeoutSeconds, ...); " +
                         "a network missing on the recovery host is refused naming the ones it has; the boot-check command is admin-only.");

        var runsGroup = api.MapGroup("/runs").WithTags("Runs");
        runsGroup.MapGet("/", async (int? planId, int? pairId, int? take, IDrRunService runs, CancellationToken ct) =>
                TypedResults.Ok((await runs.ListAsync(planId, pairId, take ?? 50, ct)).Select(DrRunDto.From)))
            .WithSummary("Drills, failovers and failbacks, newest first; optionally of one plan or one pair.");
        runsGroup.MapGet("/{id:long}", async (long id, IDrRunService runs, CancellationToken ct) =>
            await runs.FindAsync(id, ct) is { } run ? TypedResults.Ok(DrRunDto.From(run)) : ApiResults.NotFound($"Run {id} does not exist."));
        runsGroup.MapGet("/{id:long}/report", async (long id, IDrRunService runs, CancellationToken ct) =>
                await runs.FindAsync(id, ct) is { } run ? TypedResults.Ok(DrRunReportDto.From(DrRunReport.Of(run))) : ApiResults.NotFound($"Run {id} does not exist."))
            .WithSummary("Per VM: what ran, the data age (achieved RPO), the time to running and to passing the check (RTO), the check results and errors.");
        runsGroup.MapGet("/{id:long}/report.csv", async (long id, IDrRunService runs, CancellationToken ct) =>
            {
                if (await runs.FindAsync(id, ct) is not { } run)
                {
                    return ApiResults.NotFound($"Run {id} does not exist.");
                }
                var name = string.Create(CultureInfo.InvariantCulture, $"drportal-run-{id}-report.csv");
                return TypedResults.File(Encoding.UTF8.GetBytes(DrRunReport.Of(run).ToCsv()), "text/csv; charset=utf-8", name);
            })
            .WithSummary("The report as CSV (RFC 4180; seconds with one decimal).");
        runsGroup.MapPost("/{id:long}/cancel", async (long id, ClaimsPrincipal user, IDrRunService runs, CancellationToken ct) =>
                (await runs.CancelAsync(id, user.ActorName(), ct)).ToHttp(DrRunDto.From))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Asks the run and its unfinished VMs to stop; 409 when it has already finished.");
    }

    private const string PlanSaveSummary =
        "Saves a plan: a name (typed to confirm a failover), ordered groups, each with a timeout, optional hooks (Admin only) and its pairs with a delay each. " +
        "Errors are keyed by field, e.g. groups[0].members[1].vmPairId.";

    private static IResult Accepted(Result<DrRun> result) =>
        result.IsOk
            ? TypedResults.Accepted($"/api/v1/runs/{result.Value!.Id}", DrRunDto.From(result.Value))
            : ApiResults.Problem(result);
}
