using DrPortal.Core.Accounts;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Users;

public partial class UsersPage
{
    private static readonly Func<UserSummary, object> ByName = u => u.UserName;
    private static readonly Func<UserSummary, object> ByRole = u => u.Role;
    private static readonly Func<UserSummary, object> ByState = u => (u.IsDisabled ? 2 : 0) + (u.IsLockedOut ? 1 : 0);
    private static readonly Func<UserSummary, object> ByCreated = u => u.CreatedAt;
    private readonly Func<UserSummary, object> ByTwoFactor;

    private List<UserSummary> _users = [];
    private IReadOnlySet<string> _twoFactorUsers = new HashSet<string>();
    private SecurityPolicy _policy = SecurityPolicy.Default;
    private string? _search;
    private bool _loading = true;

    [Inject]
    private IUserAccounts Accounts { get; set; } = default!;

    [Inject]
    private ITwoFactorAccounts TwoFactor { get; set; } = default!;

    [Inject]
    private ISecurityPolicyStore PolicyStore { get; set; } = default!;

    [Inject]
    private IUserSessions Sessions { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    public UsersPage() => ByTwoFactor = u => TwoFactorOf(u);

    private enum TwoFactorState
    {
        NotEnrolled,
        Enrolled,
        Missing,
    }

    protected override Task LoadAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            await GuardAsync("Loading the users", async () =>
            {
                _users = [.. await Accounts.ListAsync(Aborted)];
                _twoFactorUsers = await TwoFactor.EnabledUserIdsAsync(Aborted);
                _policy = await PolicyStore.GetAsync(Aborted);
            });
        }
        finally
        {
            _loading = false;
        }
    }

    private bool Matches(UserSummary u) =>
        string.IsNullOrWhiteSpace(_search)
        || u.UserName.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase)
        || u.Role.Contains(_search.Trim(), StringComparison.OrdinalIgnoreCase);

    private TwoFactorState TwoFactorOf(UserSummary u) =>
        _twoFactorUsers.Contains(u.Id) ? TwoFactorState.Enrolled
        : _policy.RequiresTwoFactor(u.Role) ? TwoFactorState.Missing
        : TwoFactorState.NotEnrolled;

    private static Color RoleColor(string role) => role switch
    {
        Roles.Admin => Color.Error,
        Roles.Operator => Color.Primary,
        _ => Color.Default,
    };

    private async Task CreateAsync()
    {
        var created = await Dialogs.ShowForResultAsync<UserCreateDialog, UserSummary>("Add user", new DialogParameters<UserCreateDialog>());
        if (created is not null)
        {
            Snackbar.Add($"User {created.UserName} created as {created.Role}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(UserSummary user)
    {
        var parameters = new DialogParameters<UserEditDialog> { { d => d.Target, user } };
        var saved = await Dialogs.ShowForResultAsync<UserEditDialog, UserSummary>($"Edit {user.UserName}", parameters);
        if (saved is not null)
        {
            Snackbar.Add($"{saved.UserName} is now {saved.Role}{(saved.IsDisabled ? ", disabled" : "")}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task ResetPasswordAsync(UserSummary user)
    {
        var parameters = new DialogParameters<PasswordResetDialog> { { d => d.Target, user } };
        var saved = await Dialogs.ShowForResultAsync<PasswordResetDialog, UserSummary>($"Reset the password of {user.UserName}", parameters);
        if (saved is not null)
        {
            Snackbar.Add($"The password of {saved.UserName} was reset.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task ResetTwoFactorAsync(UserSummary user)
    {
        var consequence = _policy.RequiresTwoFactor(user.Role)
            ? $"{user.Role}s must use two-factor sign-in: at their next sign-in they are asked to set up a new authenticator before anything else."
            : "They sign in with their password alone until they set up a new authenticator on their account page.";
        if (!await Dialogs.ConfirmAsync($"Reset two-factor sign-in of {user.UserName}?",
                $"Their authenticator key, recovery codes and security keys stop working at once. {consequence}", "Reset two-factor", color: Color.Warning))
        {
            return;
        }
        await GuardAsync("Resetting two-factor sign-in", async () =>
        {
            if (Report(await TwoFactor.ResetAsync(user.Id, User.ActorName(), Aborted), $"Two-factor sign-in of {user.UserName} was reset."))
            {
                await ReloadAsync();
            }
        });
    }

    private async Task EndSessionsAsync(UserSummary user)
    {
        if (!await Dialogs.ConfirmAsync("Sign out everywhere", $"End every browser session of {user.UserName}?", "Sign out",
                "Their open pages go to the login page at once; they can sign in again. API tokens are not affected."))
        {
            return;
        }
        await GuardAsync("Ending the sessions", async () =>
        {
            var result = await Sessions.EndAllAsync(user.Id, User.ActorName(), Aborted);
            Snackbar.Add(result.IsOk ? $"Ended {result.Value} session(s) of {user.UserName}." : Display.Refusal(result), result.IsOk ? Severity.Success : Severity.Warning);
        });
    }
}
