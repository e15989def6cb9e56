using DrPortal.Core.Accounts;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Account;

/// <summary>The Account page's list of the user's browser sessions, with sign-out per session and everywhere else.</summary>
public partial class SessionsSection
{
    private List<SessionSummary> _sessions = [];
    private SecurityPolicy? _policy;
    private bool _loading = true;
    private bool _busy;

    [Inject]
    private IUserSessions Sessions { get; set; } = default!;

    [Inject]
    private ISecurityPolicyStore Policies { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    private bool HasOthers => _sessions.Any(s => !s.IsCurrent);

    private string IdleTimeout => _policy is null ? "…" : Display.Duration(_policy.SessionIdleTimeout);

    private string AbsoluteLifetime => _policy is null ? "…" : Display.Duration(_policy.SessionAbsoluteLifetime);

    protected override async Task LoadAsync()
    {
        _policy = await Policies.GetAsync(Aborted);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            await GuardAsync("Loading your sessions", async () => _sessions = [.. await Sessions.ListAsync(User.UserId()!, User.SessionId(), Aborted)]);
        }
        finally
        {
            _loading = false;
        }
    }

    private async Task SignOutAsync(SessionSummary session)
    {
        _busy = true;
        await GuardAsync("Signing out the session", async () =>
        {
            var result = await Sessions.EndAsync(User.UserId()!, session.Id, User.ActorName(), Aborted);
            Snackbar.Add(result.IsOk ? $"Signed out {session.Browser ?? "the browser"} at {session.ClientAddress ?? "an unknown address"}." : Display.Refusal(result),
                result.IsOk ? Severity.Success : Severity.Warning);
        });
        _busy = false;
        await ReloadAsync();
    }

    private async Task SignOutOthersAsync()
    {
        if (!await Dialogs.ConfirmAsync("Sign out everywhere else", "Sign out every other browser signed in as you?", "Sign out",
                "Their open pages go to the login page at once. This browser stays signed in."))
        {
            return;
        }
        _busy = true;
        await GuardAsync("Signing out the other sessions", async () =>
        {
            var ended = await Sessions.EndOthersAsync(User.UserId()!, User.SessionId(), User.ActorName(), Aborted);
            Snackbar.Add($"Signed out {ended} other session(s).", Severity.Success);
        });
        _busy = false;
        await ReloadAsync();
    }
}
