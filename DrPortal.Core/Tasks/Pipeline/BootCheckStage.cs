using System.Globalization;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Proves the started VM came up, in order: it keeps running for the pair's stable time; its guest agent answers (when
/// it has one); a TCP port answers from the recovery host; an admin's command there exits 0. Each is retried until
/// the check's timeout. The time it passed is the VM's measured recovery time.
/// </summary>
public sealed class BootCheckStage : ITaskStage
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public StageName Name => StageName.BootCheck;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (task, host, driver, vm, label) = (context.Task, context.Target, context.TargetDriver, context.TargetVm, context.TargetVmLabel);
        var check = context.Pair.BootCheck;
        var ct = context.Cancellation;
        var clock = context.Clock;
        var started = clock.UtcNow;
        var deadline = started + TimeSpan.FromSeconds(check.TimeoutSeconds);
        var results = new List<string>();

        // (a) running, and still running after the stable time.
        var stableUntil = (task.RunningAt ?? started) + TimeSpan.FromSeconds(check.StableSeconds);
        while (true)
        {
            var state = await driver.GetStatusAsync(host, vm, ct);
            if (state != VmPowerState.Running)
            {
                throw Failed(context, results, $"{label} on {host.Name} stopped {Seconds(clock.UtcNow - (task.RunningAt ?? started))} after it started (status: {state.ToString().ToLowerInvariant()}).");
            }
            if (clock.UtcNow >= stableUntil)
            {
                break;
            }
            await Task.Delay(Min(Poll, stableUntil - clock.UtcNow), ct);
        }
        results.Add($"running for {check.StableSeconds} s");

        // (b) the guest agent, when the VM has one.
        if (check.Agent && driver.Profile.Capabilities.HasFlag(DriverCapabilities.GuestAgent))
        {
            while (true)
            {
                var reply = await driver.PingGuestAgentAsync(host, vm, ct);
                if (reply.State == GuestAgentState.Answered)
                {
                    results.Add($"guest agent answered after {Seconds(clock.UtcNow - (task.RunningAt ?? started))}");
                    break;
                }
                if (reply.State == GuestAgentState.NotConfigured)
                {
                    results.Add("no guest agent configured (not checked)");
                    break;
                }
                if (reply.State == GuestAgentState.VmNotRunning)
                {
                    throw Failed(context, results, $"{label} stopped while its guest agent was awaited ({reply.Detail}).");
                }
                if (clock.UtcNow > deadline)
                {
                    throw Failed(context, results, $"The guest agent of {label} did not answer within {check.TimeoutSeconds} s ({reply.Detail}).");
                }
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }

        // (c) a TCP port, from the recovery host.
        if (check.TcpAddress is { } address && check.TcpPort is { } port)
        {
            await UntilAsync(context, deadline, BootCheckCommands.Tcp(address, port), results, $"tcp {address}:{port}");
        }

        // (d) an admin's command on the recovery host.
        if (check.Command is { } command)
        {
            await UntilAsync(context, deadline, BootCheckCommands.Admin(command, vm.Value), results, "command");
        }

        // The VM must still be running at the end: a guest that fell over during the later checks did not pass.
        if (await driver.GetStatusAsync(host, vm, ct) != VmPowerState.Running)
        {
            throw Failed(context, results, $"{label} on {host.Name} stopped during its boot check.");
        }
        task.CheckPassedAt = clock.UtcNow;
        task.CheckResult = Common.TextRules.Shorten("Passed: " + string.Join("; ", results) + ".", DrTask.CheckResultMaxLength);
        await context.SaveAsync();
        return StageResult.Done($"{label} passed its boot check: {string.Join("; ", results)}.");
    }

    private static async Task UntilAsync(TaskContext context, DateTimeOffset deadline, RemoteCommand command, List<string> results, string what)
    {
        var host = context.Target;
        RemoteResult? last = null;
        while (context.Clock.UtcNow <= deadline)
        {
            last = await context.Shell.RunAsync(SshEndpoint.For(host), command, context.Cancellation);
            if (last.Succeeded)
            {
                results.Add($"{what} passed");
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(3), context.Cancellation);
        }
        var said = last is null ? "" : (last.StandardError + "\n" + last.StandardOutput).Trim();
        throw Failed(context, results, $"{what} on {host.Name} did not pass before the check's timeout (exit {last?.ExitStatus.ToString(CultureInfo.InvariantCulture) ?? "-"}{(said.Length > 0 ? $": {said[..Math.Min(said.Length, 200)]}" : "")}).");
    }

    private static StageFailedException Failed(TaskContext context, List<string> results, string reason)
    {
        context.Task.CheckResult = Common.TextRules.Shorten($"Failed: {reason}{(results.Count > 0 ? $" Passed before: {string.Join("; ", results)}." : "")}", DrTask.CheckResultMaxLength);
        return new StageFailedException($"Boot check failed: {reason}");
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.0} s";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
