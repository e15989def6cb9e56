using DrPortal.Infrastructure;
using DrPortal.Infrastructure.Tasks;
using Microsoft.Extensions.Options;

namespace DrPortal.Tests.Unit;

/// <summary>Who may work when: execution slots and host locks together decide it, first come first served.</summary>
public class TaskSlotsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static TaskSlots Slots(int workers) => new(Options.Create(new DrPortalOptions { Workers = workers }));

    /// <summary>Starts a wait for the host and returns once it is queued (its onWait ran) or holds the lock.</summary>
    private static async Task<Task<IDisposable>> QueueForHostAsync(HostLocks locks, int host, TaskSlots.Lease? slot, CancellationToken ct = default)
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acquire = locks.AcquireAsync(host, () => { waiting.TrySetResult(); return Task.CompletedTask; }, slot, ct);
        await Task.WhenAny(waiting.Task, acquire).WaitAsync(Patience, CancellationToken.None);
        return acquire;
    }

    [Fact]
    public async Task AcquireAsync_SeveralWaitForOneHost_GetItInTheOrderTheyAsked()
    {
        var locks = new HostLocks();
        var first = await locks.AcquireAsync(1, () => Task.CompletedTask, null, default);
        var order = new List<int>();
        var waiters = new List<Task>();
        for (var n = 1; n <= 5; n++)
        {
            var acquire = await QueueForHostAsync(locks, 1, null);
            var id = n;
            waiters.Add(acquire.ContinueWith(t =>
            {
                lock (order)
                {
                    order.Add(id);
                }
                t.Result.Dispose();
            }, TaskScheduler.Default));
        }

        first.Dispose();
        await Task.WhenAll(waiters).WaitAsync(Patience);

        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public async Task AcquireAsync_HostJustReleased_NewcomerDoesNotOvertakeTheOldestWaiter()
    {
        var locks = new HostLocks();
        var holder = await locks.AcquireAsync(1, () => Task.CompletedTask, null, default);
        var waiter = await QueueForHostAsync(locks, 1, null);

        holder.Dispose();
        var newcomerWaited = false;
        var newcomer = locks.AcquireAsync(1, () => { newcomerWaited = true; return Task.CompletedTask; }, null, default);

        Assert.True(newcomerWaited);
        Assert.False(newcomer.IsCompleted);
        (await waiter.WaitAsync(Patience)).Dispose();
        (await newcomer.WaitAsync(Patience)).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_HostBusy_GivesTheSlotUpWhileWaitingSoAnotherHostsTaskRuns()
    {
        var slots = Slots(2);
        var locks = new HostLocks();
        using var slotA = await slots.TakeAsync(default);
        var hostA = await locks.AcquireAsync(1, () => Task.CompletedTask, slotA, default);
        using var slotB = await slots.TakeAsync(default);

        var hostForB = await QueueForHostAsync(locks, 1, slotB);

        // B waits for host 1 without a slot: a task for host 2 gets one at once, though both slots were taken.
        Assert.False(hostForB.IsCompleted);
        Assert.False(slotB.IsHeld);
        var slotC = slots.TakeAsync(default);
        Assert.True(slotC.IsCompleted);

        // When A finishes, B gets the host, then a slot again (the one A gives back).
        hostA.Dispose();
        slotA.Dispose();
        using var heldB = await hostForB.WaitAsync(Patience);
        Assert.True(slotB.IsHeld);
        Assert.Equal(0, slots.Free);
        (await slotC).Dispose();
        Assert.Equal(1, slots.Free);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_HoldsNeitherTheHostNorASlot()
    {
        var slots = Slots(1);
        var locks = new HostLocks();
        var hostA = await locks.AcquireAsync(1, () => Task.CompletedTask, null, default);
        using var cts = new CancellationTokenSource();
        var slotB = await slots.TakeAsync(default);
        var hostForB = await QueueForHostAsync(locks, 1, slotB, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hostForB.WaitAsync(Patience));
        slotB.Dispose();
        Assert.False(slotB.IsHeld);
        Assert.Equal(1, slots.Free);
        hostA.Dispose();
        var next = locks.AcquireAsync(1, () => Task.CompletedTask, null, default);
        Assert.True(next.IsCompleted);
        (await next).Dispose();
    }

    [Fact]
    public async Task Lease_DisposedTwice_GivesItsSlotBackOnce()
    {
        var slots = Slots(2);
        var lease = await slots.TakeAsync(default);

        lease.Dispose();
        lease.Dispose();

        Assert.Equal(2, slots.Free);
    }
}
