using System.Globalization;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Turns a delivery's events into its message: names the pair and host as they are now, links to the task page.</summary>
internal sealed class NotificationRenderer(IDbContextFactory<DrPortalDbContext> dbFactory, IOptions<DrPortalOptions> options)
{
    public async Task<NotificationMessage> RenderAsync(NotificationDelivery delivery, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var items = new List<(NotificationMessage, OperationalEvent)>();
        foreach (var e in delivery.Events)
        {
            items.Add((await RenderAsync(db, e, ct), e));
        }
        return delivery.Mode == DeliveryMode.DailyDigest || items.Count != 1 ? NotificationMessage.Digest(items, BaseUrl) : items[0].Item1;
    }

    public async Task<NotificationMessage> RenderAsync(OperationalEvent e, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await RenderAsync(db, e, ct);
    }

    private async Task<NotificationMessage> RenderAsync(DrPortalDbContext db, OperationalEvent e, CancellationToken ct)
    {
        string? pair = null;
        if (e.PairId is { } pairId && pairId is > 0 and <= int.MaxValue)
        {
            var found = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor)
                .FirstOrDefaultAsync(p => p.Id == (int)pairId, ct);
            pair = found?.Describe();
        }
        string? host = null;
        if (e.HostId is { } hostId && hostId is > 0 and <= int.MaxValue)
        {
            host = await db.Hypervisors.AsNoTracking().Where(h => h.Id == (int)hostId).Select(h => h.Name).FirstOrDefaultAsync(ct);
        }
        return NotificationMessage.For(e, pair, host, Link(e));
    }

    private string? BaseUrl => string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/');

    private string? Link(OperationalEvent e) => BaseUrl is not { } root ? null
        : e.TaskId is { } task ? string.Create(CultureInfo.InvariantCulture, $"{root}/tasks/{task}")
        : root;
}
