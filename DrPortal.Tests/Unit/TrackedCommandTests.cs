using System.Diagnostics;
using System.Globalization;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit;

/// <summary>
/// The tracked-command and stop-leftover scripts run through a real /bin/sh on this machine, the way sshd runs them on
/// a host, against real processes: only the recorded process is ever signalled, never one whose start time differs
/// and never a VM process.
/// </summary>
public sealed class TrackedCommandTests : IDisposable
{
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var p in _started)
        {
            // Only the processes this test started, by their own handle.
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
            p.Dispose();
        }
    }

    private Process Start(string program, params string[] arguments)
    {
        var p = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _started.Add(p);
        return p;
    }

    private Process Start(RemoteCommand command) => Start("/bin/sh", "-c", ShellQuoting.ToShellLine(command));

    private static async Task<(int Exit, string Output)> RunAsync(RemoteCommand command)
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", ShellQuoting.ToShellLine(command)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output.Trim());
    }

    /// <summary>Field 22 of /proc/PID/stat, read here independently of the scripts.</summary>
    private static long StartTimeOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }

    private static async Task<HostProcess> MarkerAsync(Process tracked)
    {
        var line = await tracked.StandardOutput.ReadLineAsync();
        Assert.NotNull(line);
        return TrackedCommands.ParseMarker(line) ?? throw new Xunit.Sdk.XunitException($"not a marker: {line}");
    }

    [Fact]
    public async Task Tracked_PrintsItsPidAndStartTimeFirst_ThenRunsTheCommandWithItsArgumentsIntact()
    {
        var (exit, output) = await RunAsync(TrackedCommands.Tracked(new RemoteCommand("printf", "%s|", "a b", "$(id)", "';'", ") x (")));

        var lines = output.Split('\n');
        Assert.Equal(0, exit);
        Assert.Matches(@"^drportal-process [0-9]+ [0-9]+$", lines[0]);
        Assert.Equal("a b|$(id)|';'|) x (|", lines[1]);
    }

    [Fact]
    public async Task Tracked_Marker_NamesTheCommandsOwnProcess()
    {
        var tracked = Start(TrackedCommands.Tracked(new RemoteCommand("sleep", "60")));

        var process = await MarkerAsync(tracked);

        // exec kept the PID and start time: the process named is sleep now, not the shell that printed the line.
        await Task.Delay(200);
        Assert.Equal(StartTimeOf(process.Pid), process.StartTime);
        Assert.StartsWith("sleep\0", await File.ReadAllTextAsync($"/proc/{process.Pid}/cmdline"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracked_AddsNothingToTheCommandsEnvironment()
    {
        var (_, output) = await RunAsync(TrackedCommands.Tracked(new RemoteCommand("env")));

        Assert.DoesNotContain(output.Split('\n').Skip(1), l => l.StartsWith("DRPORTAL_RUN=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopLeftover_RecordedProcessWithAChild_StopsItAndWaits()
    {
        // A stand-in for vzdump piping into zstd: on SIGTERM it ends its child and exits, as vzdump does.
        var leftover = Start(TrackedCommands.Tracked(new RemoteCommand("sh", "-c", "trap 'kill $c; exit 143' TERM; sleep 60 & c=$!; wait")));
        var process = await MarkerAsync(leftover);

        var (exit, output) = await RunAsync(TrackedCommands.StopLeftover(process));

        Assert.Equal((0, "stopped"), (exit, output));
        Assert.True(leftover.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.Equal((0, "gone"), await RunAsync(TrackedCommands.StopLeftover(process)));
    }

    [Fact]
    public async Task StopLeftover_SamePidButAnotherStartTime_SignalsNothing()
    {
        var other = Start(TrackedCommands.Tracked(new RemoteCommand("sleep", "60")));
        var process = await MarkerAsync(other);

        var (exit, output) = await RunAsync(TrackedCommands.StopLeftover(process with { StartTime = process.StartTime + 1 }));

        Assert.Equal((0, "gone"), (exit, output));
        Assert.False(other.WaitForExit(TimeSpan.FromMilliseconds(500)), "a process that is not the recorded one must be left alone");
    }

    [Theory]
    [InlineData("kvm -id 999 -name web01,debug-threads=on -m 2048")]
    [InlineData("/usr/bin/kvm")]
    [InlineData("qemu-system-x86_64")]
    public async Task StopLeftover_VmProcessWithTheRecordedStartTime_RefusesAndSignalsNothing(string argv0)
    {
        // A VM process as the lab's emulator makes them (argv[0] 'kvm -id N ...') and as Proxmox runs them (/usr/bin/kvm -id N).
        var vm = Start("/bin/bash", "-c", "exec -a \"$0\" sleep 60", argv0);
        await Task.Delay(300);
        var process = new HostProcess(vm.Id, StartTimeOf(vm.Id));

        var (exit, output) = await RunAsync(TrackedCommands.StopLeftover(process));

        Assert.Equal(3, exit);
        Assert.StartsWith($"refused: process {vm.Id} is a VM process", output, StringComparison.Ordinal);
        Assert.False(vm.WaitForExit(TimeSpan.FromMilliseconds(500)), "a VM process must never be signalled");
    }

    [Fact]
    public async Task StopLeftover_ProcessThatEnded_SaysGone()
    {
        var (_, output) = await RunAsync(TrackedCommands.Tracked(new RemoteCommand("true")));
        var process = TrackedCommands.ParseMarker(output)!;

        Assert.Equal((0, "gone"), await RunAsync(TrackedCommands.StopLeftover(process)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void StopLeftover_PidThatWouldSignalAGroupOrInit_IsRefused(int pid) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackedCommands.StopLeftover(new HostProcess(pid, 100)));

    [Fact]
    public void StopLeftover_NegativeStartTime_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackedCommands.StopLeftover(new HostProcess(1234, -1)));

    [Theory]
    [InlineData("$(touch /tmp/drportal-pwned)", "5")]
    [InlineData("-1", "5")]
    [InlineData("1", "5")]
    [InlineData("1234", "5; kill -9 -1")]
    [InlineData("", "")]
    public async Task StopLeftover_ScriptGivenHostileParameters_RefusesBeforeSignalling(string pid, string start)
    {
        // The builder only passes checked numbers; the script checks again, so a value that slipped through does no harm.
        var built = TrackedCommands.StopLeftover(new HostProcess(1234, 5));
        var hostile = built with { Arguments = [.. built.Arguments.SkipLast(2), pid, start] };

        var (exit, output) = await RunAsync(hostile);

        Assert.Equal(2, exit);
        Assert.StartsWith("refused: ", output, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/drportal-pwned"));
    }

    [Theory]
    [InlineData("drportal-process 1234 5678", 1234, 5678L)]
    [InlineData("drportal-process 1234 ", null, null)]
    [InlineData("drportal-process 1 5678", null, null)]
    [InlineData("drportal-process -5 5678", null, null)]
    [InlineData("drportal-process 12 34 56", null, null)]
    public void ParseMarker_Lines_GiveTheProcessOnlyWhenComplete(string line, int? pid, long? start) =>
        Assert.Equal(pid is null ? null : new HostProcess(pid.Value, start!.Value), TrackedCommands.ParseMarker(line));
}
