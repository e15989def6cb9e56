using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// Identity's authenticator provider and recovery codes behind <see cref="ITwoFactorAccounts"/>; each call uses its own
/// scope (Blazor circuits live long). Changes go through the user store directly rather than UserManager's
/// convenience methods, which rotate the security stamp: that would sign the user out of the very page that is
/// showing them their recovery codes.
/// </summary>
internal sealed class TwoFactorAccounts(IServiceScopeFactory scopes, IAuditLog audit) : ITwoFactorAccounts
{
    public const int RecoveryCodeCount = 10;
    private const string UserEntity = "User";
    private const string Issuer = "DrPortal";

    public async Task<TwoFactorStatus> GetStatusAsync(string userId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        return user is not { TwoFactorEnabled: true }
            ? new TwoFactorStatus(false, 0)
            : new TwoFactorStatus(true, await users.CountRecoveryCodesAsync(user));
    }

    public async Task<IReadOnlySet<string>> EnabledUserIdsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Either second factor: the authenticator app, or a security key (SecurityKeys).
        var withApp = await Users(scope).Users.Where(u => u.TwoFactorEnabled).Select(u => u.Id).ToListAsync(ct);
        var withKey = await Db(scope).SecurityKeys.Select(k => k.UserId).Distinct().ToListAsync(ct);
        return withApp.Concat(withKey).ToHashSet();
    }

    public async Task<Result<AuthenticatorSetup>> BeginSetupAsync(string userId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<AuthenticatorSetup>.NotFound($"User {userId} does not exist.");
        }
        if (user.TwoFactorEnabled)
        {
            return Result<AuthenticatorSetup>.Conflict("Two-factor sign-in is on already; turn it off first to move to another authenticator.");
        }
        var key = users.GenerateNewAuthenticatorKey();
        await KeyStore(scope).SetAuthenticatorKeyAsync(user, key, ct);
        await users.UpdateAsync(user);
        var label = Uri.EscapeDataString($"{Issuer}:{user.UserName}");
        return Result<AuthenticatorSetup>.Ok(new AuthenticatorSetup(key, $"otpauth://totp/{label}?secret={key}&issuer={Issuer}&digits=6"));
    }

    public async Task<Result<IReadOnlyList<string>>> EnableAsync(string userId, string? code, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<IReadOnlyList<string>>.NotFound($"User {userId} does not exist.");
        }
        if (user.TwoFactorEnabled)
        {
            return Result<IReadOnlyList<string>>.Conflict("Two-factor sign-in is on already.");
        }
        var digits = TwoFactorCode.Normalize(code);
        if (digits.Length == 0)
        {
            return Result<IReadOnlyList<string>>.Invalid("code", "Enter the 6-digit code your authenticator app shows.");
        }
        if (await users.GetAuthenticatorKeyAsync(user) is null)
        {
            return Result<IReadOnlyList<string>>.Conflict("Start the set-up again: no authenticator key is waiting to be confirmed.");
        }
        if (!await IsAuthenticatorCodeAsync(users, user, digits))
        {
            return Result<IReadOnlyList<string>>.Invalid("code", "This code is wrong or expired. Check that the phone's clock is right and enter the code shown now.");
        }
        await ((IUserTwoFactorStore<PortalUser>)KeyStore(scope)).SetTwoFactorEnabledAsync(user, true, ct);
        // Saves the enabled flag with the new codes in one update.
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        await RecordAsync(user, "two-factor-enable", $"{user.UserName} turned on two-factor sign-in", ct);
        return Result<IReadOnlyList<string>>.Ok(codes);
    }

    public async Task<Result<IReadOnlyList<string>>> RegenerateRecoveryCodesAsync(string userId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is not { TwoFactorEnabled: true })
        {
            return Result<IReadOnlyList<string>>.Conflict("Two-factor sign-in is off: there are no recovery codes to replace.");
        }
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        await RecordAsync(user, "two-factor-recovery-codes", $"{user.UserName} replaced their two-factor recovery codes", ct);
        return Result<IReadOnlyList<string>>.Ok(codes);
    }

    public async Task<Result<TwoFactorStatus>> DisableAsync(string userId, string? codeOrPassword, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is not { TwoFactorEnabled: true })
        {
            return Result<TwoFactorStatus>.Conflict("Two-factor sign-in is off already.");
        }
        if (string.IsNullOrEmpty(codeOrPassword))
        {
            return Result<TwoFactorStatus>.Invalid("proof", "Enter a current code from your authenticator app, or your password.");
        }
        var proven = await IsAuthenticatorCodeAsync(users, user, TwoFactorCode.Normalize(codeOrPassword)) || await users.CheckPasswordAsync(user, codeOrPassword);
        if (!proven)
        {
            return Result<TwoFactorStatus>.Invalid("proof", "This is neither a current authenticator code nor your password.");
        }
        await TurnOffAsync(scope, user, ct);
        await RecordAsync(user, "two-factor-disable", $"{user.UserName} turned off two-factor sign-in", ct);
        return Result<TwoFactorStatus>.Ok(new TwoFactorStatus(false, 0));
    }

    public async Task<Result<TwoFactorStatus>> ResetAsync(string userId, string actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<TwoFactorStatus>.NotFound($"User {userId} does not exist.");
        }
        var keys = Db(scope).SecurityKeys.Where(k => k.UserId == userId);
        var keyCount = await keys.CountAsync(ct);
        if (!user.TwoFactorEnabled && keyCount == 0)
        {
            return Result<TwoFactorStatus>.Conflict($"{user.UserName} does not use two-factor sign-in.");
        }
        if (user.TwoFactorEnabled)
        {
            await TurnOffAsync(scope, user, ct);
        }
        await keys.ExecuteDeleteAsync(ct);
        await audit.RecordAsync(actor, "two-factor-reset", UserEntity, user.UserName!,
            $"Reset two-factor sign-in of {user.UserName}{(keyCount > 0 ? $" and removed their {keyCount} security key(s)" : "")}: they sign in with their password and may set up a new authenticator", null, null, ct);
        return Result<TwoFactorStatus>.Ok(new TwoFactorStatus(false, 0));
    }

    public async Task<bool> CheckSecondFactorAsync(string userId, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return false;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is not { TwoFactorEnabled: true })
        {
            return false;
        }
        return await IsAuthenticatorCodeAsync(users, user, TwoFactorCode.Normalize(code))
            || (await users.RedeemTwoFactorRecoveryCodeAsync(user, code.Trim())).Succeeded;
    }

    private static Task<bool> IsAuthenticatorCodeAsync(UserManager<PortalUser> users, PortalUser user, string digits) =>
        digits.Length == 6 && digits.All(char.IsAsciiDigit)
            ? users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits)
            : Task.FromResult(false);

    private static async Task TurnOffAsync(AsyncServiceScope scope, PortalUser user, CancellationToken ct)
    {
        var store = KeyStore(scope);
        await ((IUserTwoFactorStore<PortalUser>)store).SetTwoFactorEnabledAsync(user, false, ct);
        var tokens = (IUserAuthenticationTokenStore<PortalUser>)store;
        await tokens.RemoveTokenAsync(user, TwoFactorUserStore.InternalLoginProvider, TwoFactorUserStore.AuthenticatorKeyName, ct);
        await tokens.RemoveTokenAsync(user, TwoFactorUserStore.InternalLoginProvider, TwoFactorUserStore.RecoveryCodesName, ct);
        await Users(scope).UpdateAsync(user);
    }

    private Task RecordAsync(PortalUser user, string action, string summary, CancellationToken ct) =>
        audit.RecordAsync(user.UserName!, action, UserEntity, user.UserName!, summary, null, null, ct);

    private static DrPortalDbContext Db(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<DrPortalDbContext>();

    private static UserManager<PortalUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

    private static IUserAuthenticatorKeyStore<PortalUser> KeyStore(AsyncServiceScope scope) =>
        (IUserAuthenticatorKeyStore<PortalUser>)scope.ServiceProvider.GetRequiredService<IUserStore<PortalUser>>();
}
