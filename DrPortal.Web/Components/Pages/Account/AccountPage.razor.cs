using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Account;

public partial class AccountPage
{
    private readonly FormErrors _passwordErrors = new();
    private readonly FormErrors _tokenErrors = new();
    private List<ApiTokenSummary> _tokens = [];
    private string? _current;
    private string? _new;
    private string? _confirm;
    private string? _confirmError;
    private string? _tokenName;
    private ApiTokenScope _tokenScope;
    private int? _lifetimeDays;
    private int _defaultDays;
    private int _maximumDays;
    private IReadOnlyList<ApiTokenScope> _scopes = [ApiTokenScope.ReadOnly];
    private bool _passwordChanged;
    private bool _changingPassword;
    private bool _creatingToken;
    private bool _loadingTokens = true;

    [Inject]
    private IUserAccounts Accounts { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISecurityPolicyStore PolicyStore { get; set; } = default!;

    // Identity's password rules report under "password"; the store's own checks under "newPassword".
    private string? NewPasswordError => _passwordErrors["newPassword"] ?? _passwordErrors["password"];

    protected override async Task LoadAsync()
    {
        var policy = await PolicyStore.GetAsync(Aborted);
        _defaultDays = (int)policy.TokenDefaultLifetime.TotalDays;
        _maximumDays = (int)policy.TokenMaximumLifetime.TotalDays;
        // Offer only the scopes the role allows; the widest is the default, as in the API.
        var widest = ApiToken.WidestScopeFor(Roles.All.FirstOrDefault(User.IsInRole) ?? Roles.Viewer);
        _scopes = [.. Enum.GetValues<ApiTokenScope>().Where(s => s <= widest)];
        _tokenScope = widest;
        await ReloadTokensAsync();
    }

    private async Task ReloadTokensAsync()
    {
        _loadingTokens = true;
        try
        {
            await GuardAsync("Loading your API tokens", async () => _tokens = [.. await Accounts.ListTokensAsync(User.UserId()!, Aborted)]);
        }
        finally
        {
            _loadingTokens = false;
        }
    }

    private void ClearNewPasswordErrors()
    {
        _passwordErrors.Clear("newPassword");
        _passwordErrors.Clear("password");
    }

    private async Task ChangePasswordAsync()
    {
        if (_changingPassword)
        {
            return;
        }
        _passwordChanged = false;
        _confirmError = _new == _confirm ? null : "The passwords do not match.";
        if (_confirmError is not null)
        {
            return;
        }
        _changingPassword = true;
        await GuardAsync("Changing your password", async () =>
        {
            var result = await Accounts.ChangeOwnPasswordAsync(User.UserId()!, _current, _new, User.SessionId(), Aborted);
            _passwordErrors.Set(result.Errors);
            if (result.IsOk)
            {
                _passwordChanged = true;
                _current = _new = _confirm = null;
            }
            else if (result.Status != ResultStatus.Invalid)
            {
                Snackbar.Add(Display.Refusal(result), Severity.Error);
            }
        });
        _changingPassword = false;
    }

    private async Task CreateTokenAsync()
    {
        if (_creatingToken)
        {
            return;
        }
        _creatingToken = true;
        NewApiToken? created = null;
        await GuardAsync("Creating the token", async () =>
        {
            var result = await Accounts.CreateTokenAsync(User.UserId()!, new ApiTokenRequest(_tokenName, _tokenScope, _lifetimeDays), User.ActorName(), Aborted);
            _tokenErrors.Set(result.Errors);
            if (result.IsOk)
            {
                created = result.Value;
                _tokenName = null;
                _lifetimeDays = null;
            }
            else if (result.Status != ResultStatus.Invalid)
            {
                Snackbar.Add(Display.Refusal(result), Severity.Error);
            }
        });
        _creatingToken = false;
        if (created is null)
        {
            return;
        }
        await ReloadTokensAsync();
        var parameters = new DialogParameters<TokenCreatedDialog> { { d => d.Token, created } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false };
        var dialog = await Dialogs.ShowAsync<TokenCreatedDialog>("API token created", parameters, options);
        await dialog.Result;
    }

    private async Task RevokeAsync(ApiTokenSummary token)
    {
        if (!await Dialogs.ConfirmAsync("Revoke API token", $"Revoke token \"{token.Name}\" ({token.Hint}…)?", "Revoke",
                "Scripts using it get 401 Unauthorized from now on. This cannot be undone."))
        {
            return;
        }
        await GuardAsync("Revoking the token", async () =>
        {
            var result = await Accounts.RevokeTokenAsync(User.UserId()!, token.Id, anyUser: false, User.ActorName(), Aborted);
            if (result.IsOk)
            {
                Snackbar.Add($"Token {token.Name} revoked.", Severity.Success);
            }
            else
            {
                Snackbar.Add(Display.Refusal(result), Severity.Warning);
            }
        });
        await ReloadTokensAsync();
    }
}
