using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Schedules;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

internal static class SchedulesApi
{
    private const int DefaultPreviewCount = 5;

    public static void MapSchedulesApi(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("/", async (int? pairId, IScheduleStore store, IScheduleCalendar calendar, CancellationToken ct) =>
        {
            var list = await store.ListAsync(pairId, ct);
            var last = await store.LastRunsAsync(list.Select(s => s.Id).ToList(), ct);
            return TypedResults.Ok(list.Select(s => ToDto(s, calendar, last.GetValueOrDefault(s.Id))).ToList());
        })
            .WithSummary("All schedules (or a pair's) with their next run and last result.");
        schedules.MapGet("/{id:int}", async (int id, IScheduleStore store, IScheduleCalendar calendar, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } s ? TypedResults.Ok(await ToDtoAsync(s, store, calendar, ct)) : ApiResults.NotFound($"Schedule {id} does not exist."));
        schedules.MapPost("/", async (ScheduleInput body, ClaimsPrincipal user, IScheduleStore store, IScheduleCalendar calendar, CancellationToken ct) =>
        {
            var result = await store.CreateAsync(body, user.ActorName(), ct);
            return result.IsOk
                ? TypedResults.Created($"/api/v1/schedules/{result.Value!.Id}", await ToDtoAsync(result.Value, store, calendar, ct))
                : ApiResults.Problem(result);
        })
            .RequireAuthorization(Policies.CanOperate);
        schedules.MapPut("/{id:int}", async (int id, ScheduleInput body, ClaimsPrincipal user, IScheduleStore store, IScheduleCalendar calendar, CancellationToken ct) =>
        {
            var result = await store.UpdateAsync(id, body, user.ActorName(), ct);
            return result.IsOk ? TypedResults.Ok(await ToDtoAsync(result.Value!, store, calendar, ct)) : ApiResults.Problem(result);
        })
            .RequireAuthorization(Policies.CanOperate);
        schedules.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IScheduleStore store, CancellationToken ct) =>
                (await store.DeleteAsync(id, user.ActorName(), ct)).ToHttp(s => ScheduleDto.From(s, null, null)))
            .RequireAuthorization(Policies.CanOperate);
        schedules.MapGet("/{id:int}/preview", async (int id, int? count, IScheduleStore store, CancellationToken ct) =>
            {
                var schedule = await store.FindAsync(id, ct);
                if (schedule is null)
                {
                    return ApiResults.NotFound($"Schedule {id} does not exist.");
                }
                var slots = await store.PreviewAsync(id, count ?? DefaultPreviewCount, ct);
                return slots.ToHttp(s => SchedulePreviewDto.From(schedule.TimeZone, s));
            })
            .WithSummary("The next run times of a saved schedule (default 5), in its time zone.");
        schedules.MapPost("/preview", (ScheduleInput body, int? count, IScheduleStore store) =>
                store.Preview(body, count ?? DefaultPreviewCount).ToHttp(s => SchedulePreviewDto.From(body.EffectiveTimeZone, s)))
            .WithSummary("The next run times a schedule would have, before saving it; 400 with field messages when it is not valid.");
        schedules.MapGet("/{id:int}/runs", async (int id, int? take, IScheduleStore store, CancellationToken ct) =>
                await store.FindAsync(id, ct) is null
                    ? ApiResults.NotFound($"Schedule {id} does not exist.")
                    : TypedResults.Ok((await store.RunsAsync(id, take ?? 50, ct)).Select(ScheduleRunDto.From)))
            .WithSummary("The schedule's claimed slots, newest first: the task each queued or attached to, and catch-ups.");

        schedules.MapPost("/{id:int}/prune", async (int id, ClaimsPrincipal user, IRetentionPruner pruner, CancellationToken ct) =>
                (await pruner.PruneNowAsync(id, user.ActorName(), ct)).ToHttp(RetentionPreviewDto.From))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary("Applies the schedule's retention now, as after a run: deletes what the preview lists under delete from the repository and both hosts; returns what was kept and deleted.");

        api.MapPost("/retention/preview", async (RetentionPreviewRequest body, IRetentionPreview retention, CancellationToken ct) =>
                (await retention.PreviewAsync(body.PairId, body.Policy ?? RetentionPolicy.None, body.TimeZone, ct)).ToHttp(RetentionPreviewDto.From))
            .WithTags("Schedules")
            .WithSummary("What a retention policy would keep and delete of a pair's archives now, with days in timeZone (default the server's). Changes nothing.");
    }

    private static async Task<ScheduleDto> ToDtoAsync(Schedule s, IScheduleStore store, IScheduleCalendar calendar, CancellationToken ct)
    {
        var last = await store.RunsAsync(s.Id, 1, ct);
        return ToDto(s, calendar, last.Count > 0 ? last[0] : null);
    }

    private static ScheduleDto ToDto(Schedule s, IScheduleCalendar calendar, ScheduleRun? last)
    {
        var next = s.Enabled ? calendar.Upcoming(s.ToCronSchedule(), 1) : [];
        return ScheduleDto.From(s, next.Count > 0 ? next[0] : null, last);
    }
}
