using DrPortal.Core.History;

namespace DrPortal.Web.Api;

internal static class HistoryApi
{
    public static void MapHistoryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/pairs/{id:int}/history", async (int id, int? days, int? take, IRunHistory history, CancellationToken ct) =>
                (await history.ForPairAsync(id, Window(days, take), ct)).ToHttp(h => h))
            .WithTags("History")
            .WithSummary($"The pair's succeeded tasks of the last `days` days (default {HistoryWindow.DefaultDays}, at most {HistoryWindow.MaxDays}), " +
                         $"the newest `take` (default {HistoryWindow.DefaultTake}, at most {HistoryWindow.MaxTake}), oldest first: backup and restore " +
                         "seconds, restore point bytes, transfer bytes per second.");
        var stats = api.MapGroup("/stats").WithTags("History");
        stats.MapGet("/history", async (int? days, int? take, IRunHistory history, CancellationToken ct) =>
                (await history.AcrossPairsAsync(Window(days, take), ct)).ToHttp(f => f))
            .WithSummary("Each pair's average figures over the window (newest `take` tasks per pair) beside its source VM's disk size, " +
                         "smallest disk first; diskBytes is null when the source host did not answer within 5 s.");
        stats.MapGet("/dashboard", async (IRunHistory history, CancellationToken ct) => TypedResults.Ok(await history.DashboardAsync(ct)))
            .WithSummary("Success rate over 7 and 30 days, bytes moved per UTC day, repository size and fill forecast, pairs per RPO status.");
    }

    private static HistoryWindow Window(int? days, int? take) =>
        new(days ?? HistoryWindow.DefaultDays, take ?? HistoryWindow.DefaultTake);
}
