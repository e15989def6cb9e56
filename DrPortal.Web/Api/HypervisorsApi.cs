using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Web.Auth;

namespace DrPortal.Web.Api;

internal static class HypervisorsApi
{
    public static void MapHypervisorsApi(this RouteGroupBuilder api)
    {
        var hosts = api.MapGroup("/hypervisors").WithTags("Hypervisors");
        hosts.MapGet("/", async (int? skip, int? take, HttpContext http, IHypervisorStore store, CancellationToken ct) =>
            {
                var window = new ListWindow(skip ?? 0, take ?? TasksApi.DefaultListTake);
                if (window.Validate(TasksApi.MaxListTake) is { IsEmpty: false } invalid)
                {
                    return ApiResults.Problem(Result<HypervisorPage>.Invalid(invalid));
                }
                var page = await store.PageAsync(window, ct);
                http.Response.Headers[TasksApi.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Ok(page.Items.Select(HypervisorDto.From).ToList());
            })
            .WithSummary($"Hosts in name order: `skip` (default 0) and `take` (default {TasksApi.DefaultListTake}, at most {TasksApi.MaxListTake}; " +
                         $"more is a 400); the number of hosts is in the {TasksApi.TotalCountHeader} header.")
            // The handler answers a problem or the page, so the document is told the page's type.
            .Produces<List<HypervisorDto>>();
        hosts.MapGet("/{id:int}", async (int id, IHypervisorStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } h ? TypedResults.Ok(HypervisorDto.From(h)) : ApiResults.NotFound($"Host {id} does not exist."));
        hosts.MapPost("/", async (HypervisorInput body, ClaimsPrincipal user, IHypervisorStore store, CancellationToken ct) =>
            (await store.CreateAsync(body, user.ActorName(), ct)).ToHttp(HypervisorDto.From, h => $"/api/v1/hypervisors/{h.Id}"))
            .RequireAuthorization(Policies.CanAdminister);
        hosts.MapPut("/{id:int}", async (int id, HypervisorInput body, ClaimsPrincipal user, IHypervisorStore store, CancellationToken ct) =>
            (await store.UpdateAsync(id, body, user.ActorName(), ct)).ToHttp(HypervisorDto.From))
            .RequireAuthorization(Policies.CanAdminister);
        hosts.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, IHypervisorStore store, CancellationToken ct) =>
            (await store.DeleteAsync(id, user.ActorName(), ct)).ToHttp(HypervisorDto.From))
            .RequireAuthorization(Policies.CanAdminister);

        hosts.MapGet("/{id:int}/hostkey", async (int id, IHostConnections connections, CancellationToken ct) =>
            (await connections.GetHostKeyAsync(id, ct)).ToHttp(k => new { k.Fingerprint, k.Algorithm, k.Trusted, k.PinnedFingerprint }))
            .RequireAuthorization(Policies.CanAdminister)
            .WithSummary("Connects to the host and reports the key it presents and whether that key is the pinned one.");
        hosts.MapPost("/{id:int}/trust", async (int id, TrustRequest body, ClaimsPrincipal user, IHostConnections connections, CancellationToken ct) =>
            (await connections.TrustAsync(id, body.Fingerprint ?? "", user.ActorName(), ct)).ToHttp(k => new { k.Fingerprint, k.Algorithm, k.Trusted, k.PinnedFingerprint }))
            .RequireAuthorization(Policies.CanAdminister)
            .WithSummary("Pins the host key if the host presents exactly the confirmed fingerprint.");
        hosts.MapPost("/{id:int}/install-key", async (int id, InstallKeyRequest body, ClaimsPrincipal user, IHostConnections connections, CancellationToken ct) =>
            (await connections.InstallKeyAsync(id, body.Password ?? "", user.ActorName(), ct)).ToHttp(_ => new { installed = true }))
            .RequireAuthorization(Policies.CanAdminister)
            .WithSummary("Logs in once with the password (never stored) and installs the portal's public key.");
        hosts.MapPost("/{id:int}/test", async (int id, ClaimsPrincipal user, IHostConnections connections, CancellationToken ct) =>
            (await connections.TestAsync(id, ct)).ToHttp(t => user.CanAdminister() ? t : t with { Detail = null }))
            .RequireAuthorization(Policies.CanOperate);
        hosts.MapGet("/{id:int}/vms", async (int id, IHostConnections connections, CancellationToken ct) =>
            (await connections.ListVmsAsync(id, ct)).ToHttp(v => v));

        api.MapGet("/hypervisor-kinds", (HypervisorProfiles profiles) => TypedResults.Ok(profiles.All.Select(HypervisorKindDto.From)))
            .WithTags("Hypervisors")
            .WithSummary("The hypervisor kinds the portal drives: how each names VMs (the VM reference of pairs), its capabilities, backup options and defaults.");

        api.MapGet("/settings/ssh-public-key", (IPortalKey key) =>
            TypedResults.Ok(new PublicKeyDto(key.PublicKeyLine, key.PublicKeyLine)))
            .WithTags("Settings")
            .WithSummary("The portal's public key, to append to ~/.ssh/authorized_keys on each host.");
    }
}
