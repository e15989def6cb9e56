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
        pairs.MapGet("/", async (int? skip, int? take, HttpContext http, IVmPairStore store, CancellationToken ct) =>
            {
                var window = new ListWindow(skip ?? 0, take ?? TasksApi.DefaultListTake);
                if (window.Validate(TasksApi.MaxListTake) is { IsEmpty: false } invalid)
                {
                    return ApiResults.Problem(Result<VmPairPage>.Invalid(invalid));
                }
                var page = await store.PageAsync(window, ct);
                http.Response.Headers[TasksApi.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Ok(page.Items.Select(VmPairDto.From).ToList());
            })
            .WithSummary($"Pairs in id order: `skip` (default 0) and `take` (default {TasksApi.DefaultListTake}, at most {TasksApi.MaxListTake}; " +
                         $"more is a 400); the number of pairs is in the {TasksApi.TotalCountHeader} header.")
            .Produces<List<VmPairDto>>();
        pairs.MapGet("/protection", async (IPairProtection protection, IClock clock, CancellationToken ct) =>
                TypedResults.Ok((await protection.ListAsync(ct)).Select(p => PairProtectionDto.From(p, clock.UtcNow))))
            .WithSummary("Every pair against its recovery point objective: newest verified archive, its age, next scheduled run, and Met / AtRisk / Breached / NoTarget.");
        pairs.MapGet("/{id:int}", async (int id, IVmPairStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } p ? TypedResults.Ok(VmPairDto.From(p)) : ApiResults.NotFound($"VM pair {id} does not exist."));
        pairs.MapPost("/", async (VmPairInput body, ClaimsPrincipal user, IVmPairStore store, CancellationToken ct) =>
                Saved(await store.CreateAsync(body, user.ActorName(), ct), p => $"/api/v1/pairs/{p.Id}"))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary(SaveSummary);
        pairs.MapPut("/{id:int}", async (int id, VmPairInput body, ClaimsPrincipal user, IVmPairStore store, CancellationToken ct) =>
                Saved(await store.UpdateAsync(id, body, user.ActorName(), ct)))
            .RequireAuthorization(Policies.CanOperate)
            .WithSummary(SaveSummary);
        pairs.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IVmPairStore store, CancellationToken ct) =>
            (await store.DeleteAsync(id, user.ActorName(), ct)).ToHttp(VmPairDto.From))
            .RequireAuthorization(Policies.CanOperate);

    }

    private const string SaveSummary =
        "Saves a pair after asking the source host whether the source VM exists: a missing VM is refused (400, sourceVmId); " +
        "a host that cannot be asked is refused with 422 (confirmUnverifiedSource) unless confirmUnverifiedSource is true.";

    /// <summary>
    /// A save refused only because the source host could not be asked is 422, not 400: the request is well formed and
    /// the client can repeat it with confirmUnverifiedSource once it has decided to.
    /// </summary>
    private static IResult Saved(Result<VmPair> result, Func<VmPairDto, string>? createdAt = null)
    {
        if (result is { Status: ResultStatus.Invalid, Errors: { } errors }
            && errors.ToDictionary() is { Count: 1 } fields && fields.ContainsKey(nameof(VmPairInput.ConfirmUnverifiedSource)))
        {
            return Results.ValidationProblem(ApiResults.JsonFieldNames(fields), statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The source VM could not be checked. Nothing was changed.");
        }
        return result.ToHttp(VmPairDto.From, createdAt);
    }
}
