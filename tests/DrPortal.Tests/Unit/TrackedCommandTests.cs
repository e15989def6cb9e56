using System.Diagnostics;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit;

/// <summary>
/// The tracked-command and stop-tagged scripts run through a real /bin/sh on this machine, the way sshd runs them on
/// a host: a tagged command left running (its portal died) is found by its tag and stopped, children included.
/// </summary>
public class TrackedCommandTests
{
    private static CommandTag NewTag() => new("test-" + Guid.NewGuid().ToString("N")[..12]);

    private static Process Start(RemoteCommand command) =>
        Process.Start(new ProcessStartInfo("/bin/sh", ["-c", ShellQuoting.ToShellLine(command)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;

    private static async Task<(int Exit, string Output)> RunAsync(RemoteCommand command)
    {
        using var p = Start(command);
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output);
    }

    [Fact]
    public async Task Tracked_PrintsItsPidFirst_ThenRunsTheCommandWithItsArgumentsIntact()
    {
        var (exit, output) = await RunAsync(ProxmoxCommands.Tracked(new RemoteCommand("printf", "%s|", "a b", "$(id)", "';'"), NewTag()));

        var lines = output.Split('\n');
        Assert.Equal(0, exit);
        Assert.StartsWith(ProxmoxCommands.PidMarker, lines[0], StringComparison.Ordinal);
        Assert.Equal("a b|$(id)|';'|", lines[1]);
    }

    [Fact]
    public async Task StopTagged_CommandLeftRunningWithChildren_StopsThemAllAndCountsOne()
    {
        var tag = NewTag();
        // A stand-in for vzdump piping into zstd: a shell with a child, the tag inherited by both; on SIGTERM it ends its child, as vzdump does.
        using var orphan = Start(ProxmoxCommands.Tracked(new RemoteCommand("sh", "-c", "trap 'kill $c; exit 143' TERM; sleep 60 & c=$!; wait"), tag));
        var pidLine = await orphan.StandardOutput.ReadLineAsync();
        Assert.StartsWith(ProxmoxCommands.PidMarker, pidLine, StringComparison.Ordinal);
        using var other = Start(ProxmoxCommands.Tracked(new RemoteCommand("sleep", "60"), NewTag()));
        await other.StandardOutput.ReadLineAsync();

        var (exit, output) = await RunAsync(ProxmoxCommands.StopTagged(tag));

        Assert.Equal(0, exit);
        Assert.Equal("stopped 1", output.Trim());
        Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.Equal("stopped 0", (await RunAsync(ProxmoxCommands.StopTagged(tag))).Output.Trim());
        Assert.False(other.HasExited, "a command with another tag must be left alone");
        other.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task StopTagged_NothingLeft_StopsNothing()
    {
        var (exit, output) = await RunAsync(ProxmoxCommands.StopTagged(NewTag()));

        Assert.Equal((0, "stopped 0"), (exit, output.Trim()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("x;rm")]
    [InlineData("$(id)")]
    public void CommandTag_OutsideLettersDigitsAndDashes_IsRefused(string value) =>
        Assert.Throws<ArgumentException>(() => new CommandTag(value));
}
