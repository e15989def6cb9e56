using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// The security policy in its one-row table. Read from the database on every call (a one-row primary-key read), so a
/// second portal node sees an admin's change at once.
/// </summary>
internal sealed class SecurityPolicyStore(IDbContextFactory<DrPortalDbContext> contexts, IClock clock) : ISecurityPolicyStore
{
    public async Task<SecurityPolicy> GetAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.SecurityPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == SecurityPolicyRow.SingletonId, ct);
        return row?.ToPolicy() ?? SecurityPolicy.Default;
    }

    public async Task SaveAsync(SecurityPolicy policy, string actor, CancellationToken ct)
    {
        var errors = SecurityPolicyRules.Validate(policy);
        if (!errors.IsEmpty)
        {
            throw new InvalidInputException(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.SecurityPolicies.FirstOrDefaultAsync(p => p.Id == SecurityPolicyRow.SingletonId, ct);
        var before = row?.ToPolicy() ?? SecurityPolicy.Default;
        if (row is null)
        {
            row = new SecurityPolicyRow();
            db.SecurityPolicies.Add(row);
        }
        row.CopyFrom(policy);
        row.UpdatedAt = clock.UtcNow;
        row.UpdatedBy = actor;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", "SecurityPolicy", null, "Changed the security policy", Snapshot(before), Snapshot(row.ToPolicy())));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The audit shows durations as "d.hh:mm:ss" and the roles as a list.</summary>
    private static object Snapshot(SecurityPolicy p) => new
    {
        TokenDefaultLifetime = p.TokenDefaultLifetime.ToString(),
        TokenMaximumLifetime = p.TokenMaximumLifetime.ToString(),
        p.TwoFactorRequiredRoles,
        SessionIdleTimeout = p.SessionIdleTimeout.ToString(),
        SessionAbsoluteLifetime = p.SessionAbsoluteLifetime.ToString(),
    };
}
