using System.Globalization;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>ASP.NET Core Identity behind <see cref="IUserAccounts"/>. Each call uses its own scope (Blazor circuits live long).</summary>
internal sealed class UserAccounts(
    IServiceScopeFactory scopes, IDbContextFactory<DrPortalDbContext> contexts, IClock clock, IAuditLog audit, ISecurityPolicyStore policies,
    UserSessionStore sessions) : IUserAccounts
{
    private const string UserEntity = "User";
    private const string TokenEntity = "ApiToken";

    // Two first-run requests racing must not both create an admin.
    private static readonly SemaphoreSlim SetupGate = new(1, 1);

    public async Task<bool> AnyUserAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(ct);
    }

    public async Task<Result<UserSummary>> SetupAdminAsync(string? userName, string? password, CancellationToken ct)
    {
        await SetupGate.WaitAsync(ct);
        try
        {
            if (await AnyUserAsync(ct))
            {
                return Result<UserSummary>.Conflict("Setup is complete: an administrator already exists.");
            }
            return await CreateCoreAsync(userName, password, Roles.Admin, "setup", ct);
        }
        finally
        {
            SetupGate.Release();
        }
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var list = await users.Users.OrderBy(u => u.UserName).ToListAsync(ct);
        var result = new List<UserSummary>(list.Count);
        foreach (var u in list)
        {
            result.Add(await SummaryAsync(users, u));
        }
        return result;
    }

    public Task<Result<UserSummary>> CreateAsync(string? userName, string? password, string? role, string actor, CancellationToken ct) =>
        CreateCoreAsync(userName, password, role, actor, ct);

    public async Task<Result<UserSummary>> UpdateAsync(string userId, string? role, bool? disabled, string actor, CancellationToken ct)
    {
        if (role is not null && !Roles.IsKnown(role))
        {
            return Result<UserSummary>.Invalid("role", "Role must be Admin, Operator or Viewer.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<UserSummary>.NotFound($"User {userId} does not exist.");
        }
        var before = await SummaryAsync(users, user);
        // A field the request leaves out keeps its value (a PUT without "disabled" must not re-enable a user).
        var newRole = role ?? before.Role;
        var newDisabled = disabled ?? before.IsDisabled;
        if (before.Role == Roles.Admin && !before.IsDisabled && (newRole != Roles.Admin || newDisabled))
        {
            var enabledAdmins = (await users.GetUsersInRoleAsync(Roles.Admin)).Count(u => !u.IsDisabled);
            if (enabledAdmins <= 1)
            {
                return Result<UserSummary>.Invalid("role", "This is the last enabled administrator; make another user Admin first.");
            }
        }
        if (before.Role != newRole)
        {
            await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
            await users.AddToRoleAsync(user, newRole);
        }
        if (user.IsDisabled != newDisabled)
        {
            user.IsDisabled = newDisabled;
            await users.UpdateAsync(user);
        }
        // A new stamp signs the user out everywhere within the validation interval.
        await users.UpdateSecurityStampAsync(user);
        var after = await SummaryAsync(users, user);
        if (after.IsDisabled || after.Role != before.Role)
        {
            // Open pages and cookies end now, not when the stamp is next checked.
            await sessions.EndAllOfAsync(user.Id, keepSessionId: null, ct);
        }
        if ((after.IsDisabled && !before.IsDisabled) || Roles.Rank(after.Role) < Roles.Rank(before.Role))
        {
            await RevokeAllTokensAsync(user, actor, after.IsDisabled ? "disabled" : $"demoted to {after.Role}", ct);
        }
        await RecordAsync(actor, "update", UserEntity, user.UserName!, $"Changed user {user.UserName}: role {after.Role}, {(after.IsDisabled ? "disabled" : "enabled")}",
            Snapshot(before), Snapshot(after), ct);
        return Result<UserSummary>.Ok(after);
    }

    public async Task<Result<UserSummary>> ResetPasswordAsync(string userId, string? newPassword, string actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<UserSummary>.NotFound($"User {userId} does not exist.");
        }
        var check = await ValidatePasswordAsync(users, user, newPassword);
        if (check is not null)
        {
            return check;
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, newPassword!);
        if (!result.Succeeded)
        {
            return Invalid("password", result);
        }
        await users.SetLockoutEndDateAsync(user, null);
        await sessions.EndAllOfAsync(user.Id, keepSessionId: null, ct);
        await RevokeAllTokensAsync(user, actor, "password reset", ct);
        await RecordAsync(actor, "reset-password", UserEntity, user.UserName!, $"Reset the password of {user.UserName}", null, null, ct);
        return Result<UserSummary>.Ok(await SummaryAsync(users, user));
    }

    public async Task<Result<UserSummary>> ChangeOwnPasswordAsync(string userId, string? currentPassword, string? newPassword, string? keepSessionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Result<UserSummary>.NotFound($"User {userId} does not exist.");
        }
        if (string.IsNullOrEmpty(currentPassword))
        {
            return Result<UserSummary>.Invalid("currentPassword", "Current password is required.");
        }
        var check = await ValidatePasswordAsync(users, user, newPassword);
        if (check is not null)
        {
            return check;
        }
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword!);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == "PasswordMismatch")
                ? Result<UserSummary>.Invalid("currentPassword", "Current password is wrong.")
                : Invalid("newPassword", result);
        }
        // Every other browser signed in with the old password ends; the one that changed it stays signed in.
        await sessions.EndAllOfAsync(user.Id, keepSessionId, ct);
        if (keepSessionId is not null)
        {
            await sessions.RefreshUserAsync(keepSessionId, ct);
        }
        await RevokeAllTokensAsync(user, user.UserName!, "password changed", ct);
        await RecordAsync(user.UserName!, "change-password", UserEntity, user.UserName!, $"{user.UserName} changed their password", null, null, ct);
        return Result<UserSummary>.Ok(await SummaryAsync(users, user));
    }

    public async Task<IReadOnlyList<ApiTokenSummary>> ListTokensAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await TokenListing(db, db.ApiTokens.Where(t => t.UserId == userId)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ApiTokenSummary>> ListAllTokensAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await TokenListing(db, db.ApiTokens).ToListAsync(ct);
    }

    public async Task<Result<NewApiToken>> CreateTokenAsync(string userId, ApiTokenRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var trimmed = request.Name?.Trim();
        var errors = new ValidationErrors();
        TextRules.RequireName(errors, "name", trimmed, "Token name");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owner = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            return Result<NewApiToken>.NotFound($"User {userId} does not exist.");
        }
        var role = await RoleOfAsync(db, userId, ct) ?? Roles.Viewer;
        var widest = ApiToken.WidestScopeFor(role);
        var scope = request.Scope ?? widest;
        if (!Enum.IsDefined(scope))
        {
            errors.Add("scope", "Scope must be read-only, operate or admin.");
        }
        else if (scope > widest)
        {
            errors.Add("scope", $"Scope '{ApiToken.ScopeName(scope)}' is more than your role {role} allows; the most is '{ApiToken.ScopeName(widest)}'.");
        }
        var policy = await policies.GetAsync(ct);
        var maximumDays = (int)Math.Floor(policy.TokenMaximumLifetime.TotalDays);
        TimeSpan lifetime = policy.TokenDefaultLifetime;
        if (request.LifetimeDays is { } days)
        {
            if (days < 1)
            {
                errors.Add("lifetimeDays", "Lifetime must be at least 1 day.");
            }
            else if (TimeSpan.FromDays(days) > policy.TokenMaximumLifetime)
            {
                errors.Add("lifetimeDays", $"Lifetime must be at most {maximumDays} days (the security policy's maximum).");
            }
            else
            {
                lifetime = TimeSpan.FromDays(days);
            }
        }
        if (!errors.IsEmpty)
        {
            return Result<NewApiToken>.Invalid(errors);
        }
        var secret = ApiToken.NewToken();
        // Whole seconds: what the creator is told is exactly what the database keeps (datetime(6) drops the last tick digit).
        var now = clock.UtcNow;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var token = new ApiToken
        {
            UserId = userId,
            Name = trimmed!,
            TokenHash = ApiToken.Hash(secret),
            Hint = secret[..8],
            Scope = scope,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiTokens.Add(token);
        var saved = await Persist.SaveAsync(db, token,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", TokenEntity, token.Id.ToString(CultureInfo.InvariantCulture),
                $"Created API token '{token.Name}' of {owner} ({ApiToken.ScopeName(scope)}, expires {token.ExpiresAt:yyyy-MM-dd HH:mm} UTC)", null,
                new { token.Name, token.Hint, User = owner, Scope = ApiToken.ScopeName(scope), token.ExpiresAt })),
            () => Result<ApiToken>.Invalid("name", $"You already have a token named '{trimmed}'."), ct);
        return saved.IsOk
            ? Result<NewApiToken>.Ok(new NewApiToken(ToSummary(token, owner), secret))
            : Result<NewApiToken>.Invalid(saved.Errors!);
    }

    public async Task<Result<ApiTokenSummary>> RevokeTokenAsync(string userId, int tokenId, bool anyUser, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && (anyUser || t.UserId == userId), ct);
        if (token is null)
        {
            return Result<ApiTokenSummary>.NotFound($"Token {tokenId} does not exist.");
        }
        var owner = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.UserName).FirstOrDefaultAsync(ct) ?? token.UserId;
        db.ApiTokens.Remove(token);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "revoke", TokenEntity, tokenId.ToString(CultureInfo.InvariantCulture), $"Revoked API token '{token.Name}' of {owner}",
            new { token.Name, token.Hint, User = owner, Scope = ApiToken.ScopeName(token.Scope), token.ExpiresAt }, null));
        await db.SaveChangesAsync(ct);
        return Result<ApiTokenSummary>.Ok(ToSummary(token, owner));
    }

    public async Task<TokenCheck> AuthenticateTokenAsync(string token, CancellationToken ct)
    {
        const string unknown = "Invalid or revoked API token.";
        if (!token.StartsWith(ApiToken.Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return TokenCheck.Refused(unknown);
        }
        var hash = ApiToken.Hash(token);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // One round trip for the token, its owner and the owner's role: every API request pays for this read.
        var found = await db.ApiTokens.AsNoTracking().Where(t => t.TokenHash == hash)
            .Select(t => new
            {
                Token = t,
                Owner = db.Users.Where(u => u.Id == t.UserId).Select(u => new { u.Id, u.UserName, u.IsDisabled }).FirstOrDefault(),
                Role = (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == t.UserId select r.Name).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return TokenCheck.Refused(unknown);
        }
        var row = found.Token;
        var now = clock.UtcNow;
        if (row.IsExpired(now))
        {
            return TokenCheck.Refused($"The API token '{row.Name}' expired at {row.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC; create a new one.");
        }
        if (found.Owner is not { } user || user.IsDisabled)
        {
            return TokenCheck.Refused(unknown);
        }
        if (found.Role is not { } role)
        {
            // A user without a role (a directory user dropped from every mapped group) holds no rights, not a Viewer's.
            return TokenCheck.Refused(unknown);
        }
        // Last-use is informative; write it at most once a minute per token to keep API calls cheap.
        if (row.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedAt, now), ct);
        }
        // The owner's role is read on every request: a demotion narrows a token at once, whatever its scope.
        return new TokenCheck(new TokenIdentity(user.Id, user.UserName!, ApiToken.EffectiveRole(row.Scope, role), row.Id), null);
    }

    private static Task<string?> RoleOfAsync(DrPortalDbContext db, string userId, CancellationToken ct) =>
        (from ur in db.UserRoles
         join r in db.Roles on ur.RoleId equals r.Id
         where ur.UserId == userId
         select r.Name).FirstOrDefaultAsync(ct);

    private static IQueryable<ApiTokenSummary> TokenListing(DrPortalDbContext db, IQueryable<ApiToken> tokens) =>
        from t in tokens.AsNoTracking()
        join u in db.Users on t.UserId equals u.Id
        orderby u.UserName, t.Name
        select new ApiTokenSummary(t.Id, t.Name, t.Hint, t.Scope, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, u.UserName!);

    private async Task<Result<UserSummary>> CreateCoreAsync(string? userName, string? password, string? role, string actor, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var name = userName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("userName", "User name is required.");
        }
        else if (name.Length > 64 || !TextRules.Name().IsMatch(name))
        {
            errors.Add("userName", "User name may contain only letters, digits, '.', '-' and '_' (at most 64 characters).");
        }
        if (role is null || !Roles.IsKnown(role))
        {
            errors.Add("role", "Role must be Admin, Operator or Viewer.");
        }
        if (string.IsNullOrEmpty(password))
        {
            errors.Add("password", "Password is required.");
        }
        if (!errors.IsEmpty)
        {
            return Result<UserSummary>.Invalid(errors);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByNameAsync(name!) is not null)
        {
            return Result<UserSummary>.Invalid("userName", $"A user named '{name}' already exists.");
        }
        var user = new PortalUser { UserName = name, CreatedAt = clock.UtcNow, LockoutEnabled = true };
        var check = await ValidatePasswordAsync(users, user, password);
        if (check is not null)
        {
            return check;
        }
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded)
        {
            return created.Errors.Any(e => e.Code is "DuplicateUserName")
                ? Result<UserSummary>.Invalid("userName", $"A user named '{name}' already exists.")
                : Invalid("password", created);
        }
        await users.AddToRoleAsync(user, role!);
        var summary = await SummaryAsync(users, user);
        await RecordAsync(actor, "create", UserEntity, user.UserName!, $"Created user {name} as {role}", null, Snapshot(summary), ct);
        return Result<UserSummary>.Ok(summary);
    }

    private static async Task<Result<UserSummary>?> ValidatePasswordAsync(UserManager<PortalUser> users, PortalUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Result<UserSummary>.Invalid("password", "Password is required.");
        }
        var errors = new ValidationErrors();
        foreach (var validator in users.PasswordValidators)
        {
            var r = await validator.ValidateAsync(users, user, password);
            foreach (var e in r.Errors)
            {
                errors.Add("password", e.Description);
            }
        }
        return errors.IsEmpty ? null : Result<UserSummary>.Invalid(errors);
    }

    private static Result<UserSummary> Invalid(string field, IdentityResult result)
    {
        var errors = new ValidationErrors();
        foreach (var e in result.Errors)
        {
            errors.Add(field, e.Description);
        }
        return Result<UserSummary>.Invalid(errors);
    }

    private static async Task<UserSummary> SummaryAsync(UserManager<PortalUser> users, PortalUser u)
    {
        var roles = await users.GetRolesAsync(u);
        var locked = u.LockoutEnd is { } end && end > DateTimeOffset.UtcNow;
        return new UserSummary(u.Id, u.UserName!, roles.FirstOrDefault() ?? Roles.Viewer, u.IsDisabled, locked, u.CreatedAt);
    }

    /// <summary>What the audit keeps of a user: the name people know, not the internal id.</summary>
    private static object Snapshot(UserSummary u) => new { u.UserName, u.Role, u.IsDisabled, u.IsLockedOut };

    /// <summary>A password reset or change, a disable or a demotion ends every API token of the user: an old secret must not outlive the trust it was issued under.</summary>
    private async Task RevokeAllTokensAsync(PortalUser user, string actor, string reason, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var revoked = await db.ApiTokens.Where(t => t.UserId == user.Id).ExecuteDeleteAsync(ct);
        if (revoked > 0)
        {
            db.AuditEntries.Add(AuditLog.Entry(clock, actor, "revoke", TokenEntity, user.UserName!, $"Revoked all {revoked} API token(s) of {user.UserName} ({reason})", null, new { User = user.UserName, Count = revoked, Reason = reason }));
            await db.SaveChangesAsync(ct);
        }
    }

    private static ApiTokenSummary ToSummary(ApiToken t, string owner) => new(t.Id, t.Name, t.Hint, t.Scope, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, owner);

    private Task RecordAsync(string actor, string action, string entity, string id, string summary, object? before, object? after, CancellationToken ct) =>
        audit.RecordAsync(actor, action, entity, id, summary, before, after, ct);
}
