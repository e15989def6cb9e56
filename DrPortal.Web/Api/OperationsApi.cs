using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Coverage;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

/// <summary>Repository integrity (orphans) and protection coverage.</summary>
internal static class OperationsApi
{
    public static void MapOperationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/coverage", async (bool? refresh, ICoverageQuery coverage, CancellationToken ct) =>
                TypedResults.Ok(await coverage.GetAsync(refresh ?? false, ct)))
            .WithTags("Coverage")
            .WithSummary("VMs on primary hosts in no pair, pairs without a schedule, breaching their RPO, never drilled. Host VM lists are cached "
                         + "for two minutes and read in the background ('listing' says one runs; refresh=true starts one): the call never waits for a host.");

        var orphans = api.MapGroup("/archives/orphans").WithTags("Archives").RequireAuthorization(Policies.CanAdminister);
        orphans.MapGet("/", async (IOrphanReport report, CancellationToken ct) => TypedResults.Ok(await report.GetAsync(ct)))
            .WithSummary("Files in the repository or the hosts' dump areas that no restore point names, and rows whose repository files are gone.");
        orphans.MapPost("/delete", async (OrphanDeleteRequest body, ClaimsPrincipal user, IOrphanReport report, CancellationToken ct) =>
                (await report.DeleteFileAsync(body.HostId, body.Path ?? "", user.ActorName(), ct)).ToHttp(f => f))
            .WithSummary("Deletes one orphan file as the report lists it (hostId null: the repository). Refused unless the report, made again now, lists it. Audited.");
        orphans.MapPost("/forget/{archiveId:long}", async (long archiveId, ClaimsPrincipal user, IOrphanReport report, CancellationToken ct) =>
                (await report.ForgetAsync(archiveId, user.ActorName(), ct)).ToHttp(ArchiveDto.From))
            .WithSummary("Removes the row of a restore point whose repository files are gone. Audited.");
    }
}
