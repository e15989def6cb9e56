using Bunit;
using Bunit.TestDoubles;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Schedules;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace DrPortal.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor, hand-written fakes of the stores and a signed-in user.
/// Components are rendered next to the popover and dialog providers, as MainLayout does.
/// </summary>
public abstract class PortalTestContext : BunitContext, IAsyncLifetime
{
    internal FakeHypervisorStore Hosts { get; } = new();
    internal FakeVmPairStore Pairs { get; } = new();
    internal FakeHostConnections Connections { get; } = new();
    internal FakeUserAccounts Accounts { get; } = new();
    internal FakeUserSessions Sessions { get; } = new();
    internal FakeAuditLog Audit { get; } = new();
    internal FakeTaskService Tasks { get; } = new();
    internal FakeTaskFeed Feed { get; } = new();
    internal FakeArchiveStore Archives { get; } = new();
    internal FakeClock Clock { get; } = new();
    internal FakeSecurityPolicyStore PolicyStore { get; } = new();

    /// <summary>The real calendar (Cronos) on the fake clock: previews and next runs are the portal's own.</summary>
    internal IScheduleCalendar Calendar { get; }
    internal FakeScheduleStore Schedules { get; }
    internal FakeRetentionPreview Retention { get; }
    internal FakePairProtection Protection { get; } = new();
    internal FakeRetentionPruner Pruner { get; } = new();
    internal FakePairPreflight Preflight { get; } = new();
    internal FakeRecoveryPlanStore RecoveryPlans { get; } = new();
    internal FakeDrRunService DrRuns { get; } = new();
    internal FakePairRecovery PairRecovery { get; } = new();
    internal FakeCoverageQuery Coverage { get; } = new();
    internal FakeRunHistory History { get; } = new();
    internal FakeReadinessReport Readiness { get; } = new();
    internal FakeSecurityKeys SecurityKeys { get; } = new();

    protected PortalTestContext()
    {
        Calendar = new CronCalendar(Clock);
        Schedules = new FakeScheduleStore(Calendar, Pairs);
        Retention = new FakeRetentionPreview(Archives);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddSingleton<IHypervisorStore>(Hosts);
        Services.AddSingleton<IVmPairStore>(Pairs);
        Services.AddSingleton<IHostConnections>(Connections);
        Services.AddSingleton(Support.Kinds.Proxmox);
        Services.AddSingleton<IUserAccounts>(Accounts);
        Services.AddSingleton<IUserSessions>(Sessions);
        Services.AddSingleton<ITwoFactorAccounts>(new FakeTwoFactorAccounts());
        Services.AddSingleton<ISecurityKeys>(SecurityKeys);
        Services.AddSingleton<ISecurityPolicyStore>(PolicyStore);
        Services.AddSingleton<IAuditLog>(Audit);
        Services.AddSingleton<IPortalKey>(new FakePortalKey());
        Services.AddSingleton<ITaskService>(Tasks);
        Services.AddSingleton<ITaskFeed>(Feed);
        Services.AddSingleton<IArchiveStore>(Archives);
        Services.AddSingleton<IRepositoryVerification>(new FakeRepositoryVerification());
        Services.AddSingleton<IClock>(Clock);
        Services.AddSingleton<IScheduleCalendar>(Calendar);
        Services.AddSingleton<IScheduleStore>(Schedules);
        Services.AddSingleton<IRetentionPreview>(Retention);
        Services.AddSingleton<IPairProtection>(Protection);
        Services.AddSingleton<IRetentionPruner>(Pruner);
        Services.AddSingleton<IPairPreflight>(Preflight);
        Services.AddSingleton<Core.Recovery.IRecoveryPlanStore>(RecoveryPlans);
        Services.AddSingleton<Core.Recovery.IDrRunService>(DrRuns);
        Services.AddSingleton<IPairRecovery>(PairRecovery);
        Services.AddSingleton<Core.Coverage.ICoverageQuery>(Coverage);
        Services.AddSingleton<Core.History.IRunHistory>(History);
        Services.AddSingleton<Core.Reports.IReadinessReport>(Readiness);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Signs in a user with one role (as the cookie would carry it).</summary>
    protected void SignInAs(string role, string name = "tester", string? sessionId = null)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(name);
        auth.SetRoles(role);
        System.Security.Claims.Claim[] claims = sessionId is null
            ? [new(System.Security.Claims.ClaimTypes.NameIdentifier, $"{name}-id")]
            : [new(System.Security.Claims.ClaimTypes.NameIdentifier, $"{name}-id"), new(UserSession.ClaimType, sessionId)];
        auth.SetClaims(claims);
    }

    /// <summary>The providers MainLayout renders; dialogs and select lists appear inside them.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Popovers = Render<MudPopoverProvider>();
        return Render<MudDialogProvider>();
    }

    /// <summary>Where open select lists, menus and autocompletes render (after <see cref="RenderProviders"/>).</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;

    /// <summary>The whole MudBlazor field (label, input, helper or error text) around the input marked data-test.</summary>
    protected static AngleSharp.Dom.IElement Field(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> rendered, string dataTest) =>
        rendered.Find($"[data-test={dataTest}]").Closest(".mud-input-control")
            ?? throw new InvalidOperationException($"[data-test={dataTest}] is not inside a MudBlazor input control.");

    /// <summary>Opens a dialog through the dialog service, the way pages do, and returns its reference.</summary>
    protected async Task<IDialogReference> ShowDialogAsync<TDialog>(IRenderedComponent<MudDialogProvider> provider, DialogParameters<TDialog> parameters)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var dialogs = Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<TDialog>("Test dialog", parameters));
        return reference!;
    }
}
