using DrPortal.Core.Accounts;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Tokens;

public partial class TokensPage
{
    private static readonly Func<ApiTokenSummary, object> ByOwner = t => t.Owner;
    private static readonly Func<ApiTokenSummary, object> ByName = t => t.Name;
    private static readonly Func<ApiTokenSummary, object> ByScope = t => t.Scope;
    private static readonly Func<ApiTokenSummary, object> ByCreated = t => t.CreatedAt;
    private static readonly Func<ApiTokenSummary, object> ByExpires = t => t.ExpiresAt;
    private static readonly Func<ApiTokenSummary, object> ByLastUsed = t => t.LastUsedAt ?? DateTimeOffset.MinValue;

    private List<ApiTokenSummary> _tokens = [];
    private string? _search;
    private bool _loading = true;

    [Inject]
    private IUserAccounts Accounts { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override Task LoadAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            await GuardAsync("Loading the API tokens", async () => _tokens = [.. await Accounts.ListAllTokensAsync(Aborted)]);
        }
        finally
        {
            _loading = false;
        }
    }

    private bool Matches(ApiTokenSummary t)
    {
        var term = _search?.Trim();
        return string.IsNullOrEmpty(term)
            || t.Owner.Contains(term, StringComparison.OrdinalIgnoreCase)
            || t.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
            || ApiToken.ScopeName(t.Scope).Contains(term, StringComparison.OrdinalIgnoreCase);
    }

    private async Task RevokeAsync(ApiTokenSummary token)
    {
        if (!await Dialogs.ConfirmAsync("Revoke API token", $"Revoke token \"{token.Name}\" ({token.Hint}…) of {token.Owner}?", "Revoke",
                "Scripts using it get 401 Unauthorized from now on. This cannot be undone."))
        {
            return;
        }
        await GuardAsync("Revoking the token", async () =>
            Report(await Accounts.RevokeTokenAsync(User.UserId()!, token.Id, anyUser: true, User.ActorName(), Aborted), $"Token {token.Name} of {token.Owner} revoked."));
        await ReloadAsync();
    }
}
