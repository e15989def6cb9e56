using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Components;

/// <summary>An in-memory host inventory; <see cref="NextResult"/> makes the next change answer with a chosen result.</summary>
internal sealed class FakeHypervisorStore : IHypervisorStore
{
    public List<Hypervisor> Hosts { get; } = [];
    public Result<Hypervisor>? NextResult { get; set; }
    public List<HypervisorInput> Submitted { get; } = [];

    public Hypervisor Add(string name, Site site, string? fingerprint = null)
    {
        var host = new Hypervisor { Id = Hosts.Count + 1, Name = name, Address = $"10.250.0.{Hosts.Count + 11}", Site = site, HostKeyFingerprint = fingerprint };
        Hosts.Add(host);
        return host;
    }

    public Task<IReadOnlyList<Hypervisor>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<Hypervisor>>([.. Hosts]);

    public Task<HypervisorPage> PageAsync(ListWindow window, CancellationToken ct) =>
        Task.FromResult(new HypervisorPage([.. Hosts.Skip(window.Skip).Take(window.Take)], Hosts.Count));

    public Task<Hypervisor?> FindAsync(int id, CancellationToken ct) => Task.FromResult(Hosts.FirstOrDefault(h => h.Id == id));

    public Task<Result<Hypervisor>> CreateAsync(HypervisorInput input, string actor, CancellationToken ct)
    {
        Submitted.Add(input with { });
        if (TakeNext() is { } canned)
        {
            return Task.FromResult(canned);
        }
        var host = new Hypervisor { Id = Hosts.Count + 1 };
        host.Apply(input);
        Hosts.Add(host);
        return Task.FromResult(Result<Hypervisor>.Ok(host));
    }

    public Task<Result<Hypervisor>> UpdateAsync(int id, HypervisorInput input, string actor, CancellationToken ct)
    {
        Submitted.Add(input with { });
        return Task.FromResult(TakeNext() ?? Result<Hypervisor>.Ok(Hosts.Single(h => h.Id == id)));
    }

    public Task<Result<Hypervisor>> DeleteAsync(int id, string actor, CancellationToken ct) =>
        Task.FromResult(TakeNext() ?? Result<Hypervisor>.Ok(Hosts.Single(h => h.Id == id)));

    public Task<Result<Hypervisor>> PinHostKeyAsync(int id, HostKey key, string actor, CancellationToken ct) =>
        Task.FromResult(Result<Hypervisor>.Ok(Hosts.Single(h => h.Id == id)));

    private Result<Hypervisor>? TakeNext()
    {
        var next = NextResult;
        NextResult = null;
        return next;
    }
}

internal sealed class FakeVmPairStore : IVmPairStore
{
    public List<VmPair> Pairs { get; } = [];
    public List<VmPairInput> Submitted { get; } = [];
    public Result<VmPair>? NextResult { get; set; }

    public Task<IReadOnlyList<VmPair>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<VmPair>>([.. Pairs]);

    /// <summary>The calls of <see cref="PageAsync"/>, for tests of pages that read one page at a time.</summary>
    public List<ListWindow> Pages { get; } = [];

    public Task<VmPairPage> PageAsync(ListWindow window, CancellationToken ct)
    {
        Pages.Add(window);
        return Task.FromResult(new VmPairPage([.. Pairs.Skip(window.Skip).Take(window.Take)], Pairs.Count));
    }

    public Task<VmPair?> FindAsync(int id, CancellationToken ct) => Task.FromResult(Pairs.FirstOrDefault(p => p.Id == id));

    public Task<Result<VmPair>> CreateAsync(VmPairInput input, string actor, CancellationToken ct)
    {
        Submitted.Add(input with { });
        var pair = new VmPair { Id = Pairs.Count + 1 };
        pair.Apply(input);
        return Task.FromResult(NextResult ?? Result<VmPair>.Ok(pair));
    }

    public Task<Result<VmPair>> UpdateAsync(int id, VmPairInput input, string actor, CancellationToken ct)
    {
        Submitted.Add(input with { });
        return Task.FromResult(NextResult ?? Result<VmPair>.Ok(Pairs.Single(p => p.Id == id)));
    }

    public Task<Result<VmPair>> DeleteAsync(int id, string actor, CancellationToken ct) =>
        Task.FromResult(NextResult ?? Result<VmPair>.Ok(Pairs.Single(p => p.Id == id)));
}

/// <summary>Hosts answer from <see cref="Vms"/>; a host id missing there fails like an unreachable host.</summary>
internal sealed class FakeHostConnections : IHostConnections
{
    public Dictionary<int, IReadOnlyList<VmInfo>> Vms { get; } = [];

    public Task<Result<HostKeyStatus>> GetHostKeyAsync(int hypervisorId, CancellationToken ct) =>
        Task.FromResult(Result<HostKeyStatus>.Ok(new HostKeyStatus("SHA256:presented", "ssh-ed25519", false, null)));

    public Task<Result<HostKeyStatus>> TrustAsync(int hypervisorId, string fingerprint, string actor, CancellationToken ct) =>
        Task.FromResult(Result<HostKeyStatus>.Ok(new HostKeyStatus(fingerprint, "ssh-ed25519", true, fingerprint)));

    public Task<Result<bool>> InstallKeyAsync(int hypervisorId, string password, string actor, CancellationToken ct) =>
        Task.FromResult(Result<bool>.Ok(true));

    public Task<Result<ConnectionTest>> TestAsync(int hypervisorId, CancellationToken ct) =>
        Task.FromResult(Result<ConnectionTest>.Ok(new ConnectionTest(true, 3.2, "pve-manager/8.2.4", null)));

    public Task<Result<IReadOnlyList<VmInfo>>> ListVmsAsync(int hypervisorId, CancellationToken ct) =>
        Task.FromResult(Vms.TryGetValue(hypervisorId, out var vms)
            ? Result<IReadOnlyList<VmInfo>>.Ok(vms)
            : Result<IReadOnlyList<VmInfo>>.Conflict($"Host {hypervisorId} cannot be reached."));
}

internal sealed class FakePortalKey : IPortalKey
{
    public string PublicKeyLine => "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests drportal@test";

    public string PrivateKeyPath => "/nonexistent/id_ed25519";
}

internal sealed class FakeAuditLog : IAuditLog
{
    public List<AuditEntry> Entries { get; } = [];

    public Task RecordAsync(string actor, string action, string entityType, string? entityId, string summary, object? before, object? after, CancellationToken ct)
    {
        Entries.Add(new AuditEntry { Id = Entries.Count + 1, Actor = actor, Action = action, EntityType = entityType, EntityId = entityId, Summary = summary, At = DateTimeOffset.UtcNow });
        return Task.CompletedTask;
    }

    /// <summary>The filters the page asked for last; their meaning is the real store's (tested against MariaDB).</summary>
    public AuditQuery? LastQuery { get; private set; }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        LastQuery = query;
        var matching = Entries.Where(e => query.EntityType is null || e.EntityType == query.EntityType).OrderByDescending(e => e.Id).ToList();
        return Task.FromResult(new AuditPage(matching.Skip(query.Skip).Take(query.Take).ToList(), matching.Count));
    }
}

internal sealed class FakeUserAccounts : IUserAccounts
{
    public List<UserSummary> Users { get; } = [];
    public List<ApiTokenSummary> Tokens { get; } = [];
    public string NextToken { get; set; } = "drp_secret-token-shown-once";

    public Task<bool> AnyUserAsync(CancellationToken ct) => Task.FromResult(Users.Count > 0);

    public Task<Result<UserSummary>> SetupAdminAsync(string? userName, string? password, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<UserSummary>>([.. Users]);

    public Task<Result<UserSummary>> CreateAsync(string? userName, string? password, string? role, string actor, CancellationToken ct)
    {
        var user = new UserSummary(Guid.NewGuid().ToString(), userName!, role!, false, false, DateTimeOffset.UtcNow);
        Users.Add(user);
        return Task.FromResult(Result<UserSummary>.Ok(user));
    }

    public Task<Result<UserSummary>> UpdateAsync(string userId, string? role, bool? disabled, string actor, CancellationToken ct) =>
        Task.FromResult(Result<UserSummary>.Invalid("role", "This is the last enabled administrator; make another user Admin first."));

    public Task<Result<UserSummary>> ResetPasswordAsync(string userId, string? newPassword, string actor, CancellationToken ct) =>
        Task.FromResult(Result<UserSummary>.Ok(Users.Single(u => u.Id == userId)));

    public Task<Result<UserSummary>> ChangeOwnPasswordAsync(string userId, string? currentPassword, string? newPassword, string? keepSessionId, CancellationToken ct) =>
        Task.FromResult(Result<UserSummary>.Invalid("currentPassword", "Current password is wrong."));


    public Task<IReadOnlyList<ApiTokenSummary>> ListTokensAsync(string userId, CancellationToken ct) => Task.FromResult<IReadOnlyList<ApiTokenSummary>>([.. Tokens]);

    public Task<IReadOnlyList<ApiTokenSummary>> ListAllTokensAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ApiTokenSummary>>([.. Tokens]);

    /// <summary>The last request <see cref="CreateTokenAsync"/> received.</summary>
    public ApiTokenRequest? LastTokenRequest { get; private set; }

    public Task<Result<NewApiToken>> CreateTokenAsync(string userId, ApiTokenRequest request, string actor, CancellationToken ct)
    {
        LastTokenRequest = request;
        var now = DateTimeOffset.UtcNow;
        var summary = new ApiTokenSummary(Tokens.Count + 1, request.Name!, NextToken[..8], request.Scope ?? ApiTokenScope.ReadOnly, now,
            now.AddDays(request.LifetimeDays ?? 90), null, actor);
        Tokens.Add(summary);
        return Task.FromResult(Result<NewApiToken>.Ok(new NewApiToken(summary, NextToken)));
    }

    public Task<Result<ApiTokenSummary>> RevokeTokenAsync(string userId, int tokenId, bool anyUser, string actor, CancellationToken ct)
    {
        var token = Tokens.Single(t => t.Id == tokenId);
        Tokens.Remove(token);
        return Task.FromResult(Result<ApiTokenSummary>.Ok(token));
    }

    public Task<TokenCheck> AuthenticateTokenAsync(string token, CancellationToken ct) => throw new NotSupportedException();
}

/// <summary>The feed as the portal has it: subscribers are called synchronously on the publisher's thread.</summary>
internal sealed class FakeTaskFeed : ITaskFeed
{
    private readonly List<Action<TaskUpdate>> _subscribers = [];

    public int SubscriberCount
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count;
            }
        }
    }

    public IDisposable Subscribe(Action<TaskUpdate> onUpdate)
    {
        lock (_subscribers)
        {
            _subscribers.Add(onUpdate);
        }
        return new Unsubscriber(() =>
        {
            lock (_subscribers)
            {
                _subscribers.Remove(onUpdate);
            }
        });
    }

    public void Publish(TaskUpdate update)
    {
        Action<TaskUpdate>[] subscribers;
        lock (_subscribers)
        {
            subscribers = [.. _subscribers];
        }
        foreach (var subscriber in subscribers)
        {
            subscriber(update);
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

internal sealed class FakeClock : IClock
{
    public DateTimeOffset UtcNow { get; set; } = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// Schedules in memory, checked by the real rules (<see cref="ScheduleInput.Validate"/> with the calendar it is given),
/// so a form sees the messages the store would give. <see cref="NextResult"/> makes the next change answer with a chosen result.
/// </summary>
internal sealed class FakeScheduleStore(IScheduleCalendar calendar, FakeVmPairStore pairs) : IScheduleStore
{
    public List<Schedule> Schedules { get; } = [];
    public List<ScheduleRun> Runs { get; } = [];
    public List<(int? Id, ScheduleInput Input)> Submitted { get; } = [];
    public List<int> Deleted { get; } = [];
    public Result<Schedule>? NextResult { get; set; }

    public Schedule Add(ScheduleInput input, DateTimeOffset at)
    {
        var schedule = new Schedule { Id = Schedules.Count == 0 ? 1 : Schedules.Max(s => s.Id) + 1, CreatedAt = at, UpdatedAt = at };
        schedule.Apply(input);
        schedule.VmPair = pairs.Pairs.FirstOrDefault(p => p.Id == input.VmPairId);
        Schedules.Add(schedule);
        return schedule;
    }

    public Task<IReadOnlyList<Schedule>> ListAsync(int? pairId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Schedule>>(Schedules.Where(s => pairId is null || s.VmPairId == pairId).OrderBy(s => s.Id).ToList());

    public Task<Schedule?> FindAsync(int id, CancellationToken ct) => Task.FromResult(Schedules.FirstOrDefault(s => s.Id == id));

    public Task<Result<Schedule>> CreateAsync(ScheduleInput input, string actor, CancellationToken ct)
    {
        Submitted.Add((null, input with { }));
        return Task.FromResult(TakeNext() ?? Check(input) ?? Result<Schedule>.Ok(Add(input, DateTimeOffset.UtcNow)));
    }

    public Task<Result<Schedule>> UpdateAsync(int id, ScheduleInput input, string actor, CancellationToken ct)
    {
        Submitted.Add((id, input with { }));
        if ((TakeNext() ?? Check(input)) is { } refused)
        {
            return Task.FromResult(refused);
        }
        // A new object, as a fresh read of the row would be: the page must take what the store answers.
        var updated = new Schedule { Id = id, CreatedAt = Schedules.Single(s => s.Id == id).CreatedAt, UpdatedAt = DateTimeOffset.UtcNow };
        updated.Apply(input);
        updated.VmPair = pairs.Pairs.FirstOrDefault(p => p.Id == input.VmPairId);
        Schedules[Schedules.FindIndex(s => s.Id == id)] = updated;
        return Task.FromResult(Result<Schedule>.Ok(updated));
    }

    public Task<Result<Schedule>> DeleteAsync(int id, string actor, CancellationToken ct)
    {
        Deleted.Add(id);
        if (TakeNext() is { } canned)
        {
            return Task.FromResult(canned);
        }
        var schedule = Schedules.Single(s => s.Id == id);
        Schedules.Remove(schedule);
        return Task.FromResult(Result<Schedule>.Ok(schedule));
    }

    /// <summary>Copies, as each database read gives: a page sees a test's later change to a run only by reading again.</summary>
    public Task<IReadOnlyList<ScheduleRun>> RunsAsync(int scheduleId, int take, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ScheduleRun>>(Runs.Where(r => r.ScheduleId == scheduleId).OrderByDescending(r => r.SlotTime).Take(take)
            .Select(r => new ScheduleRun
            {
                Id = r.Id,
                ScheduleId = r.ScheduleId,
                SlotTime = r.SlotTime,
                ClaimedAt = r.ClaimedAt,
                IsCatchUp = r.IsCatchUp,
                Outcome = r.Outcome,
                TaskId = r.TaskId,
                Message = r.Message,
            }).ToList());

    public async Task<IReadOnlyDictionary<int, ScheduleRun>> LastRunsAsync(IReadOnlyCollection<int> scheduleIds, CancellationToken ct)
    {
        var last = new Dictionary<int, ScheduleRun>();
        foreach (var id in scheduleIds)
        {
            if ((await RunsAsync(id, 1, ct)) is [var run])
            {
                last[id] = run;
            }
        }
        return last;
    }

    public Task<Result<IReadOnlyList<DateTimeOffset>>> PreviewAsync(int id, int count, CancellationToken ct) =>
        Task.FromResult(Result<IReadOnlyList<DateTimeOffset>>.Ok(calendar.Upcoming(Schedules.Single(s => s.Id == id).ToCronSchedule(), count)));

    public Result<IReadOnlyList<DateTimeOffset>> Preview(ScheduleInput input, int count)
    {
        var errors = input.Validate(calendar);
        if (!errors.IsEmpty)
        {
            return Result<IReadOnlyList<DateTimeOffset>>.Invalid(errors);
        }
        var draft = new Schedule();
        draft.Apply(input);
        return Result<IReadOnlyList<DateTimeOffset>>.Ok(calendar.Upcoming(draft.ToCronSchedule(), count));
    }

    private Result<Schedule>? Check(ScheduleInput input)
    {
        var errors = input.Validate(calendar);
        if (pairs.Pairs.All(p => p.Id != input.VmPairId))
        {
            errors.Add(nameof(ScheduleInput.VmPairId), $"VM pair {input.VmPairId} does not exist.");
        }
        return errors.IsEmpty ? null : Result<Schedule>.Invalid(errors);
    }

    private Result<Schedule>? TakeNext()
    {
        var next = NextResult;
        NextResult = null;
        return next;
    }
}

/// <summary>The real <see cref="RetentionPlan"/> over the fake archive store's archives of the pair; every request is recorded.</summary>
internal sealed class FakeRetentionPreview(FakeArchiveStore archives) : IRetentionPreview
{
    public List<(int PairId, RetentionPolicy Policy, string? TimeZone)> Requests { get; } = [];

    public Task<Result<IReadOnlyList<RetentionDecision>>> PreviewAsync(int pairId, RetentionPolicy policy, string? timeZone, CancellationToken ct)
    {
        Requests.Add((pairId, policy, timeZone));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone);
        var decisions = RetentionPlan.Decide(policy, archives.Archives.Where(a => a.VmPairId == pairId), new HashSet<long>(), zone);
        return Task.FromResult(Result<IReadOnlyList<RetentionDecision>>.Ok(decisions));
    }
}

internal sealed class FakePairProtection : IPairProtection
{
    public List<PairProtection> Items { get; } = [];

    public Task<IReadOnlyList<PairProtection>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<PairProtection>>([.. Items]);
}

internal sealed class FakeRetentionPruner : IRetentionPruner
{
    public List<(int ScheduleId, string Actor)> Pruned { get; } = [];

    public Task<Result<IReadOnlyList<RetentionDecision>>> PruneNowAsync(int scheduleId, string actor, CancellationToken ct)
    {
        Pruned.Add((scheduleId, actor));
        return Task.FromResult(Result<IReadOnlyList<RetentionDecision>>.Ok([]));
    }
}
