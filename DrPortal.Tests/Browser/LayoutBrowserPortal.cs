using System.Globalization;
using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.ScheduleApiTests;

namespace DrPortal.Tests.Browser;

/// <summary>
/// A portal with some of everything on it, as an admin's first week leaves it: hosts with long names and a pinned-looking
/// fingerprint, pairs, a schedule, a task, archives, users, an API token and the audit entries all that made.
/// No host answers (they sit on a closed loopback port), so nothing leaves the machine.
/// </summary>
public sealed class LayoutBrowserPortal : BrowserPortal
{
    public long TaskId { get; private set; }

    protected override async Task OnStartedAsync()
    {
        using var admin = await CreateAdminClientAsync();
        var primary = await HostAsync(admin, "pve-datacenter-rack-a-01", "Primary");
        var recovery = await HostAsync(admin, "pve-recovery-site-rack-b-01", "Recovery");
        await HostAsync(admin, "pve-dc2", "Primary");
        await using (var db = await Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync())
        {
            // A fingerprint as long as real ones, so the Hosts table has to make room for it.
            await db.Hypervisors.Where(h => h.Id == primary.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(h => h.HostKeyFingerprint, "SHA256:q2Lw0Vt4m9kB7xYcR1sN8pHdE3fZuJ6aQoG5iT0lWvM"));
        }

        var pairs = new List<VmPairDto>();
        foreach (var (vm, target, note) in new[] { (100, 9100, "nightly database of the billing system"), (101, 9101, (string?)null), (102, 9102, "web") })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/pairs", new
            {
                sourceHypervisorId = primary.Id,
                sourceVm = Convert.ToString(vm, CultureInfo.InvariantCulture),
                targetHypervisorId = recovery.Id,
                targetVm = Convert.ToString(target, CultureInfo.InvariantCulture),
                replicaStart = "LinksDown",
                overwriteExistingTarget = vm == 101,
                rpoMinutes = 26 * 60,
                note,
                confirmUnverifiedSource = true,
            });
            response.EnsureSuccessStatusCode();
            pairs.Add((await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!);
        }
        (await admin.PostAsJsonAsync("/api/v1/schedules", CronBody(pairs[0].Id, "45 3 1 1 *", "Europe/Berlin"))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/schedules", DailyBody(pairs[1].Id, kind: "Replicate"))).EnsureSuccessStatusCode();

        // A requested backup: a real task row with its stages (this test portal runs no jobs, so it stays queued).
        TaskId = (await TaskApi.RequestAsync(admin, pairs[0].Id, "backup")).TaskId;

        await using (var db = await Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync())
        {
            foreach (var days in new[] { 1, 2, 9 })
            {
                var at = DateTimeOffset.UtcNow.AddDays(-days);
                db.Archives.Add(new Archive
                {
                    VmPairId = pairs[0].Id,
                    SourceHypervisorId = primary.Id,
                    SourceHypervisorName = primary.Name,
                    SourceVm = "100",
                    Label = $"vzdump-qemu-100-{at:yyyy_MM_dd-HH_mm_ss}.vma.zst",
                    SizeBytes = 12_345_678_901,
                    CreatedAt = at,
                    InRepository = true,
                    OnRecovery = days == 1,
                    Files = [new ArchiveFile { Name = $"vzdump-qemu-100-{at:yyyy_MM_dd-HH_mm_ss}.vma.zst", Role = "archive", SizeBytes = 12_345_678_901, Sha256 = new string('c', 64) }],
                });
            }
            await db.SaveChangesAsync();
        }

        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("operator-on-call", AdminPassword, "Operator"))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("auditor", AdminPassword, "Viewer"))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(AdminName, AdminPassword, "nightly-automation-script"))).EnsureSuccessStatusCode();
    }

    private static async Task<HypervisorDto> HostAsync(HttpClient admin, string name, string site)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/hypervisors", new
        {
            name,
            address = "127.0.0.1",
            sshPort = 9,
            kind = "Proxmox",
            site,
            sshUser = "root",
            stagingDirectory = "/var/lib/vz/dump",
            note = "rack A, row 3",
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
    }
}
