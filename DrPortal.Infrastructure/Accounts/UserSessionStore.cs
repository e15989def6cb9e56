using System.Security.Claims;
using System.Security.Cryptography;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// Browser sessions in MariaDB (<see cref="UserSession"/>): the cookie handler's <see cref="ITicketStore"/>, so the
/// cookie carries only a random key, and <see cref="IUserSessions"/> for the Account and Users pages and the API.
/// A session ends when its row goes; the <see cref="SecurityPolicy"/>'s idle timeout and absolute lifetime are checked
/// on every read, and ended rows are purged. Every ending tells the user's open pages (<see cref="ISessionRevocations"/>).
/// </summary>
internal sealed class UserSessionStore(
    IDbContextFactory<DrPortalDbContext> contexts,
    IDataProtectionProvider protection,
    ISecurityPolicyStore policies,
    ISessionRevocations revocations,
    IServiceScopeFactory scopes,
    IClock clock) : ITicketStore, IUserSessions
{
    private const string SessionEntity = "Session";

    private readonly IDataProtector _protector = protection.CreateProtector("DrPortal.UserSessions");

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, httpContext: null!, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("A sign-in ticket without a user id cannot become a session.");
        var policy = await policies.GetAsync(cancellationToken);
        var now = clock.UtcNow;
        var session = new UserSession
        {
            Id = UserSession.NewId(),
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + policy.SessionAbsoluteLifetime,
            ClientAddress = httpContext?.Connection.RemoteIpAddress?.ToString(),
            Browser = BrowserSummary.Describe(httpContext?.Request.Headers.UserAgent.ToString()),
            ProtectedTicket = Protect(ticket),
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await PurgeEndedAsync(db, policy, now, cancellationToken);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>A refreshed principal (e.g. after the security stamp check) replaces the ticket; created and expiry stay as they were.</summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.UserSessions.Where(s => s.Id == key)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtectedTicket, Protect(ticket)), cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (session, endsAt) = await ActiveAsync(db, key, touch: true, cancellationToken);
        if (session is null)
        {
            return null;
        }
        var ticket = Unprotect(session);
        if (ticket is null)
        {
            // The Data Protection keys changed under it: the session cannot be read again, so it ends.
            await db.UserSessions.Where(s => s.Id == key).ExecuteDeleteAsync(cancellationToken);
            return null;
        }
        // Open pages learn which session they belong to from this claim.
        ticket.Principal.Identities.First().AddClaim(new Claim(UserSession.ClaimType, key));
        ticket.Properties.ExpiresUtc = endsAt;
        return ticket;
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    /// <summary>Sign-out (or an expired ticket): the row goes, and the user's open pages of that session follow.</summary>
    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var userId = await db.UserSessions.Where(s => s.Id == key).Select(s => s.UserId).FirstOrDefaultAsync(cancellationToken);
        if (userId is not null && await db.UserSessions.Where(s => s.Id == key).ExecuteDeleteAsync(cancellationToken) > 0)
        {
            revocations.Revoked(userId);
        }
    }

    public async Task<IReadOnlyList<SessionSummary>> ListAsync(string userId, string? currentSessionId, CancellationToken ct)
    {
        var policy = await policies.GetAsync(ct);
        var now = clock.UtcNow;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await PurgeEndedAsync(db, policy, now, ct);
        var sessions = await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync(ct);
        return [.. sessions.Select(s => Summary(s, policy, currentSessionId)).OrderByDescending(s => s.IsCurrent).ThenByDescending(s => s.LastSeenAt)];
    }

    public async Task<Result<SessionSummary>> EndAsync(string userId, string sessionId, string actor, CancellationToken ct)
    {
        var policy = await policies.GetAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var session = await db.UserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId, ct);
        if (session is null)
        {
            return Result<SessionSummary>.NotFound("This session does not exist or has already ended.");
        }
        await db.UserSessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(ct);
        var owner = await UserNameAsync(db, userId, ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "end-session", SessionEntity, owner,
            $"Ended a session of {owner} ({Describe(session)})", new { User = owner, session.ClientAddress, session.Browser, SignedInAt = session.CreatedAt }, null));
        await db.SaveChangesAsync(ct);
        revocations.Revoked(userId);
        return Result<SessionSummary>.Ok(Summary(session, policy, null));
    }

    public async Task<int> EndOthersAsync(string userId, string? keepSessionId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ended = await EndAllOfAsync(userId, keepSessionId, ct);
        var owner = await UserNameAsync(db, userId, ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "sign-out-everywhere", SessionEntity, owner,
            $"{owner} signed out everywhere else: {ended} other session(s) ended", null, new { User = owner, Ended = ended }));
        await db.SaveChangesAsync(ct);
        return ended;
    }

    public async Task<Result<int>> EndAllAsync(string userId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owner = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            return Result<int>.NotFound($"User {userId} does not exist.");
        }
        var ended = await EndAllOfAsync(userId, keepSessionId: null, ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "end-sessions", SessionEntity, owner,
            $"Ended all {ended} session(s) of {owner}", null, new { User = owner, Ended = ended }));
        await db.SaveChangesAsync(ct);
        return Result<int>.Ok(ended);
    }

    public async Task<bool> IsActiveAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await ActiveAsync(db, sessionId, touch: false, ct)).Session is not null;
    }

    public async Task TouchAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await ActiveAsync(db, sessionId, touch: true, ct);
    }

    /// <summary>
    /// Ends every session of the user but <paramref name="keepSessionId"/> (an account change: disabled, role or
    /// password changed); the caller audits the change itself. Returns how many ended.
    /// </summary>
    public async Task<int> EndAllOfAsync(string userId, string? keepSessionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ended = await db.UserSessions.Where(s => s.UserId == userId && s.Id != keepSessionId).ExecuteDeleteAsync(ct);
        revocations.Revoked(userId);
        return ended;
    }

    /// <summary>
    /// Gives the kept session the user as they are now (a password change gave them a new security stamp), so the
    /// session that made the change is not refused by the stamp check a minute later.
    /// </summary>
    public async Task RefreshUserAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var session = await db.UserSessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || Unprotect(session) is not { } ticket)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(session.UserId);
        if (user is null)
        {
            return;
        }
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        session.ProtectedTicket = Protect(new AuthenticationTicket(principal, ticket.Properties, ticket.AuthenticationScheme));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The session if it exists and has not ended (an ended one is deleted), with when it ends; touched when asked.</summary>
    private async Task<(UserSession? Session, DateTimeOffset EndsAt)> ActiveAsync(DrPortalDbContext db, string id, bool touch, CancellationToken ct)
    {
        var session = await db.UserSessions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return (null, default);
        }
        var policy = await policies.GetAsync(ct);
        var now = clock.UtcNow;
        if (SessionLifetime.HasEnded(policy, session, now))
        {
            db.UserSessions.Remove(session);
            await db.SaveChangesAsync(ct);
            return (null, default);
        }
        if (touch && SessionLifetime.NeedsTouch(session, now))
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(ct);
        }
        return (session, SessionLifetime.EndsAt(policy, session));
    }

    private static Task<int> PurgeEndedAsync(DrPortalDbContext db, SecurityPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var idleSince = now - policy.SessionIdleTimeout;
        var signedInBefore = now - policy.SessionAbsoluteLifetime;
        return db.UserSessions.Where(s => s.ExpiresAt <= now || s.LastSeenAt <= idleSince || s.CreatedAt <= signedInBefore).ExecuteDeleteAsync(ct);
    }

    private byte[] Protect(AuthenticationTicket ticket)
    {
        // The session claim is added on every read; the stored ticket stays the one the user signed in with.
        var copy = new AuthenticationTicket(
            new ClaimsPrincipal(ticket.Principal.Identities.Select(WithoutSessionClaim)), ticket.Properties, ticket.AuthenticationScheme);
        return _protector.Protect(TicketSerializer.Default.Serialize(copy));
    }

    private static ClaimsIdentity WithoutSessionClaim(ClaimsIdentity identity)
    {
        var copy = identity.Clone();
        foreach (var claim in copy.FindAll(UserSession.ClaimType).ToList())
        {
            copy.RemoveClaim(claim);
        }
        return copy;
    }

    private AuthenticationTicket? Unprotect(UserSession session)
    {
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(session.ProtectedTicket));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static SessionSummary Summary(UserSession s, SecurityPolicy policy, string? currentSessionId) =>
        new(s.Id, s.CreatedAt, s.LastSeenAt, SessionLifetime.EndsAt(policy, s), s.ClientAddress, s.Browser, s.Id == currentSessionId);

    private static string Describe(UserSession s) => $"{s.Browser ?? "unknown browser"} from {s.ClientAddress ?? "an unknown address"}";

    private static async Task<string> UserNameAsync(DrPortalDbContext db, string userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct) ?? userId;
}
