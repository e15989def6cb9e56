using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

internal static class PairsApi
{
    public static void MapPairsApi(this RouteGroupBuilder api)
    {
        var pairs = api.MapGroup("/pairs").WithTags("VM pairs");
        pairs.MapGet("/", async (IVmPairStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListAsync(ct)).Select(VmPairDto.From)));
        pairs.MapGet("/protection", async (IPairProtection protection, IClock clock, CancellationToken ct) =>
                TypedResults.Ok((await protection.ListAsync(ct)).Select(p => PairProtectionDto.From(p, clock.UtcNow))))
            .WithSummary("Every pair against its recovery point objective: newest verified archive, its age, next scheduled run, and Met / AtRisk / Breached / NoTarget.");
        pairs.MapGet("/{id:int}", async (int id, IVmPairStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } p ? TypedResults.Ok(VmPairDto.From(p)) : ApiResults.NotFound($"VM pair {id} does not exist."));
        pairs.MapPost("/", async (VmPairInput body, ClaimsPrincipal user, IVmPairStore store, CancellationToken ct) =>
            (await store.CreateAsync(body, user.ActorName(), ct)).ToHttp(VmPairDto.From, p => $"/api/v1/pairs/{p.Id}"))
            .RequireAuthorization(Policies.CanOperate);
        pairs.MapPut("/{id:int}", async (int id, VmPairInput body, ClaimsPrincipal user, IVmPairStore store, CancellationToken ct) =>
            (await store.UpdateAsync(id, body, user.ActorName(), ct)).ToHttp(VmPairDto.From))
            .RequireAuthorization(Policies.CanOperate);
        pairs.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IVmPairStore store, CancellationToken ct) =>
            (await store.DeleteAsync(id, user.ActorName(), ct)).ToHttp(VmPairDto.From))
            .RequireAuthorization(Policies.CanOperate);

    }
}
