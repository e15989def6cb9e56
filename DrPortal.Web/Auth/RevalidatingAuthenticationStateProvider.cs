using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Auth;

/// <summary>
/// An open page (a Blazor circuit) keeps the user it started with. This re-checks that user's session at once when
/// <see cref="ISessionRevocations"/> says it may have ended (session deleted, user disabled, password reset or changed,
/// role changed), and every minute as a backstop; a session that ended takes the page to the login page.
/// </summary>
internal sealed class RevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState SignedOut = new(new ClaimsPrincipal(new ClaimsIdentity()));

    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<IdentityOptions> _options;
    private readonly ISessionRevocations _revocations;
    private readonly ILogger<RevalidatingAuthenticationStateProvider> _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private string? _subscribedUserId;

    public RevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options, ISessionRevocations revocations)
        : base(loggerFactory)
    {
        _scopes = scopes;
        _options = options;
        _revocations = revocations;
        _logger = loggerFactory.CreateLogger<RevalidatingAuthenticationStateProvider>();
        AuthenticationStateChanged += Follow;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        try
        {
            return await IsStillValidAsync(authenticationState.User, cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // The application is shutting down under an open page: that session ends anyway.
            return false;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AuthenticationStateChanged -= Follow;
            lock (_gate)
            {
                _subscription?.Dispose();
                _subscription = null;
            }
            _lifetime.Cancel();
            _lifetime.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Listens for revocations of the user this page now shows (none when signed out).</summary>
    private async void Follow(Task<AuthenticationState> state)
    {
        try
        {
            var userId = (await state).User.FindFirstValue(ClaimTypes.NameIdentifier);
            lock (_gate)
            {
                if (userId == _subscribedUserId || _lifetime.IsCancellationRequested)
                {
                    return;
                }
                _subscription?.Dispose();
                _subscription = userId is null ? null : _revocations.Subscribe(userId, () => _ = RecheckNowAsync());
                _subscribedUserId = userId;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "Could not follow the session of an open page");
        }
    }

    private async Task RecheckNowAsync()
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (state.User.Identity?.IsAuthenticated == true && !await ValidateAuthenticationStateAsync(state, _lifetime.Token))
            {
                // The layout's router shows the login redirect for a signed-out user.
                SetAuthenticationState(Task.FromResult(SignedOut));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The page closed meanwhile.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Re-checking the session of an open page failed; the periodic check will retry");
        }
    }

    private async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null || user.IsDisabled)
        {
            return false;
        }
        // A browser session lives in the database: every change that must end it (disable, role, password) deletes its
        // row, and a password change keeps the row of the session that made it, whose page still holds the old stamp.
        if (principal.SessionId() is { } sessionId)
        {
            return await scope.ServiceProvider.GetRequiredService<IUserSessions>().IsActiveAsync(sessionId, ct);
        }
        if (!users.SupportsUserSecurityStamp)
        {
            return true;
        }
        var stamp = principal.FindFirstValue(_options.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
