using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Tasks;
using DrPortal.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DrPortal.Web.Api;

internal static class TasksApi
{
    // The lists that were whole arrays before they were paged (archives, pairs, hosts): a default that still returns
    // every row of most installations, so clients that never asked for a page keep working.
    internal const int DefaultListTake = 500;
    internal const int MaxListTake = 1000;
    internal const string TotalCountHeader = "X-Total-Count";

    public static void MapTasksApi(this RouteGroupBuilder api)
    {
        var pairs = api.MapGroup("/pairs").WithTags("Tasks");
        pairs.MapPost("/{id:int}/backup", (int id, ClaimsPrincipal user, ITaskService tasks, CancellationToken ct) =>
                RequestAsync(tasks, id, DrTaskKind.Backup, null, user, ct))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Backs the pair's source VM up into the repository. 202 with the new task, or 200 with the pair's backup already queued or running.");
        pairs.MapPost("/{id:int}/replicate", (int id, ClaimsPrincipal user, ITaskService tasks, CancellationToken ct) =>
                RequestAsync(tasks, id, DrTaskKind.Replicate, null, user, ct))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Backup, pull, push, restore and start in one task.");
        pairs.MapPost("/{id:int}/restore", (int id, RestoreRequestBody? body, ClaimsPrincipal user, ITaskService tasks, CancellationToken ct) =>
                RequestAsync(tasks, id, DrTaskKind.Restore, body?.ArchiveId, user, ct))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Restores an archive (default: the newest verified one) into the pair's target VM.");
        pairs.MapPost("/{id:int}/verify", (int id, ClaimsPrincipal user, ITaskService tasks, CancellationToken ct) =>
                RequestAsync(tasks, id, DrTaskKind.Verify, null, user, ct))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Re-hashes every copy (repository and hosts) of the pair's restore points against the recorded SHA-256 in a Verify task. Only reads.");

        var group = api.MapGroup("/tasks").WithTags("Tasks");
        group.MapGet("/", async (DrTaskStatus? status, int? pairId, DrTaskKind? kind, int? skip, int? take, ITaskService tasks, CancellationToken ct) =>
        {
            var window = new ListWindow(skip ?? 0, take ?? 50);
            if (window.Validate(TaskQuery.MaxTake) is { IsEmpty: false } invalid)
            {
                return ApiResults.Problem(Result<TaskPage>.Invalid(invalid));
            }
            var page = await tasks.QueryAsync(new TaskQuery(status, pairId, kind, window.Skip, window.Take), ct);
            return TypedResults.Ok(new Page<TaskDto>(page.Items.Select(TaskDto.From).ToList(), page.Total));
        })
            .WithSummary($"Tasks newest first: `skip` (default 0) and `take` (default 50, at most {TaskQuery.MaxTake}; more is a 400), with the total.");
        group.MapGet("/{id:long}", async (long id, ITaskService tasks, CancellationToken ct) =>
            await tasks.FindAsync(id, ct) is { } t ? TypedResults.Ok(TaskDto.From(t)) : ApiResults.NotFound($"Task {id} does not exist."));
        group.MapGet("/{id:long}/log", async (long id, long? after, int? take, ITaskService tasks, CancellationToken ct) =>
            {
                if (await tasks.FindAsync(id, ct) is null)
                {
                    return ApiResults.NotFound($"Task {id} does not exist.");
                }
                var lines = await tasks.ReadLogAsync(id, after ?? 0, take ?? 1000, ct);
                return TypedResults.Ok(new TaskLogDto(
                    lines.Select(l => new TaskLogLineDto(l.Id, l.At, l.Line)).ToList(),
                    lines.Count > 0 ? lines[^1].Id : after ?? 0));
            })
            .WithSummary("Log lines after 'after' (a line id; 0 = from the start). Poll with the returned 'next'.");
        group.MapPost("/{id:long}/cancel", async (long id, ClaimsPrincipal user, ITaskService tasks, CancellationToken ct) =>
                (await tasks.CancelAsync(id, user.ActorName(), ct)).ToHttp(TaskDto.From))
            .RequireAuthorization(Policies.CanOperate);

        group.MapPost("/{id:long}/retry", async (long id, ClaimsPrincipal user, ITaskService tasks, CancellationToken ct) =>
                (await tasks.RetryAsync(id, user.ActorName(), ct)).ToHttp(TaskDto.From))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Queues a failed task again; it resumes at the stage that failed (a cut transfer continues where it stopped).");

        var archives = api.MapGroup("/archives").WithTags("Archives");
        archives.MapGet("/", async (int? pairId, int? skip, int? take, HttpContext http, IArchiveStore store, CancellationToken ct) =>
            {
                var window = new ListWindow(skip ?? 0, take ?? DefaultListTake);
                if (window.Validate(MaxListTake) is { IsEmpty: false } invalid)
                {
                    return ApiResults.Problem(Result<ArchivePage>.Invalid(invalid));
                }
                var page = await store.PageAsync(pairId, window, ct);
                // A plain array as before (clients that read it keep working); the total rides in a header.
                http.Response.Headers[TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Ok(page.Items.Select(ArchiveDto.From).ToList());
            })
            .WithSummary($"Restore points newest first (all, or a pair's): `skip` (default 0) and `take` (default {DefaultListTake}, at most {MaxListTake}; " +
                         $"more is a 400); the number of points the filter matches is in the {TotalCountHeader} header.")
            .Produces<List<ArchiveDto>>();
        archives.MapGet("/{id:long}", async Task<Results<Ok<ArchiveDetailDto>, NotFound>> (long id, IArchiveStore store, CancellationToken ct) =>
                await store.ChainAsync(id, ct) is { } chain ? TypedResults.Ok(ArchiveDetailDto.From(chain)) : TypedResults.NotFound())
            .WithSummary("One restore point with its files and its chain: the full point it builds on and every incremental up to it, oldest first.");
        archives.MapPost("/verify", async (ClaimsPrincipal user, IRepositoryVerification verification, CancellationToken ct) =>
            {
                var outcome = await verification.RequestAllAsync(user.ActorName(), ct);
                return TypedResults.Accepted("/api/v1/tasks?kind=Verify", new VerifyAllDto(outcome.TaskIds, outcome.Unreachable));
            })
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Queues a Verify task for every pair with restore points (what the weekly verify schedule does).");
        archives.MapPost("/{id:long}/verify", async (long id, ClaimsPrincipal user, IArchiveStore store, ITaskService tasks, CancellationToken ct) =>
                await store.FindAsync(id, ct) is { VmPairId: { } pairId }
                    ? await RequestAsync(tasks, pairId, DrTaskKind.Verify, id, user, ct)
                    : ApiResults.NotFound($"Restore point {id} does not exist or its pair was deleted."))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Re-hashes every copy of one restore point in a Verify task of its pair. Only reads.");
        archives.MapDelete("/{id:long}", async (long id, ClaimsPrincipal user, IArchiveStore store, CancellationToken ct) =>
                (await store.DeleteAsync(id, user.ActorName(), ct)).ToHttp(ArchiveDto.From))
            .RequireAuthorization(Policies.CanOperate);
        archives.MapPut("/{id:long}/protection", async (long id, ArchiveProtectionRequest body, ClaimsPrincipal user, IArchiveStore store, CancellationToken ct) =>
            {
                if (body.Protected is not { } wanted)
                {
                    return ApiResults.Problem(Core.Common.Result<Archive>.Invalid("protected", "Protected is required: true keeps the archive whatever retention says, false lets retention decide."));
                }
                return (await store.SetProtectionAsync(id, wanted, user.ActorName(), ct)).ToHttp(ArchiveDto.From);
            })
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Protects an archive from retention ({\"protected\": true}) or lets retention decide again (false). Audited.");
    }

    private static async Task<IResult> RequestAsync(ITaskService tasks, int pairId, DrTaskKind kind, long? archiveId, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await tasks.RequestAsync(pairId, kind, archiveId, user.ActorName(), ct);
        if (!result.IsOk)
        {
            return ApiResults.Problem(result);
        }
        var (task, created) = result.Value!;
        var body = new TaskAccepted(task.Id, created, task.Status.ToString());
        return created
            ? TypedResults.Accepted($"/api/v1/tasks/{task.Id}", body)
            : TypedResults.Ok(body);
    }
}
