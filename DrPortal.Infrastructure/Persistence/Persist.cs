using DrPortal.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal static class Persist
{
    /// <summary>
    /// Saves a change and its audit entry atomically. <paramref name="afterInsert"/> runs after the first
    /// save (when generated ids exist) and typically adds the audit entry of a create.
    /// A unique index refusing the row becomes <paramref name="onDuplicate"/>'s result and nothing is kept.
    /// </summary>
    public static async Task<Result<T>> SaveAsync<T>(DrPortalDbContext db, T entity, Action? afterInsert, Func<Result<T>> onDuplicate, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
            if (afterInsert is not null)
            {
                afterInsert();
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (Database.IsDuplicateKey(ex))
        {
            await tx.RollbackAsync(CancellationToken.None);
            return onDuplicate();
        }
        return Result<T>.Ok(entity);
    }
}
