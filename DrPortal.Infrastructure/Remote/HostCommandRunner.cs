using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;

namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// How every driver runs commands on a host: checked commands whose failure becomes a <see cref="HypervisorCommandException"/>
/// in the tool's own words, and tracked long commands that can be stopped by PID, now or by a later attempt.
/// </summary>
public sealed class HostCommandRunner(IRemoteShell shell)
{
    public IRemoteShell Shell => shell;

    /// <summary>Runs a command; a non-zero exit throws with the tool's words.</summary>
    public async Task<RemoteResult> RunCheckedAsync(Hypervisor host, RemoteCommand command, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), command, ct);
        return result.Succeeded ? result : throw Failure(host, command, result);
    }

    /// <summary>
    /// Runs a long command so that it can be stopped: the shell prints its PID and start time (reported at once through
    /// <see cref="IStageReporter.HostCommandStarted"/>, so a later attempt can stop it if this portal dies), then becomes
    /// the command. Output goes to the log and to <paramref name="parse"/>; lines it says are progress go to the live bar
    /// only, with just the first and the last one logged. Cancelling stops the command on the host.
    /// </summary>
    public async Task<RemoteResult> RunTrackedAsync(Hypervisor host, RemoteCommand command, IStageReporter reporter, Func<string, bool> parse,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(parse);
        var endpoint = SshEndpoint.For(host);
        HostProcess? process = null;
        var markerSeen = false;
        var progressLogged = false;
        string? unloggedProgress = null;
        try
        {
            var result = await shell.RunAsync(endpoint, TrackedCommands.Tracked(command), ct, line =>
            {
                if (!markerSeen && line.StartsWith(TrackedCommands.ProcessMarker, StringComparison.Ordinal))
                {
                    markerSeen = true;
                    process = TrackedCommands.ParseMarker(line);
                    if (process is not null)
                    {
                        reporter.HostCommandStarted(process);
                    }
                    return;
                }
                if (parse(line))
                {
                    if (progressLogged)
                    {
                        unloggedProgress = line;
                        return;
                    }
                    progressLogged = true;
                }
                else if (unloggedProgress is not null)
                {
                    // The last progress line goes into the log where it stood, before the lines that followed it.
                    reporter.Log(unloggedProgress);
                    unloggedProgress = null;
                }
                reporter.Log(line);
            });
            return result with { StandardOutput = TrackedCommands.WithoutMarker(result.StandardOutput) };
        }
        catch (OperationCanceledException) when (process is not null)
        {
            reporter.Log($"Stopping {command.Program} on {host.Name} (pid {process.Pid}).");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            // Ask it to stop and wait until it has (vzdump removes its .dat file and unlocks the VM on SIGTERM).
            await shell.RunAsync(endpoint, TrackedCommands.StopLeftover(process), grace.Token);
            throw;
        }
        finally
        {
            if (unloggedProgress is not null)
            {
                reporter.Log(unloggedProgress);
            }
        }
    }

    /// <summary>See <see cref="IHypervisorDriver.StopLeftoverAsync"/>.</summary>
    public async Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(process);
        var command = TrackedCommands.StopLeftover(process);
        var result = await shell.RunAsync(SshEndpoint.For(host), command, ct);
        var verdict = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return (result.ExitStatus, verdict) switch
        {
            (0, "stopped") => true,
            (0, "gone") => false,
            (_, "running") => throw new HypervisorCommandException(
                $"The command left running on {host.Name} by an earlier attempt (pid {process.Pid}) did not stop within 30 s.", result.ExitStatus, LastLines(result)),
            _ when verdict.StartsWith("refused: ", StringComparison.Ordinal) => throw new HypervisorCommandException(
                $"Did not stop pid {process.Pid} on {host.Name}, recorded as left running by an earlier attempt: {verdict["refused: ".Length..]}. Nothing was signalled.",
                result.ExitStatus, LastLines(result)),
            _ => throw Failure(host, command, result),
        };
    }

    /// <summary>A failed command in the tool's words: its stderr, or its last stdout lines when stderr is silent.</summary>
    public static HypervisorCommandException Failure(Hypervisor host, RemoteCommand command, RemoteResult result)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(result);
        // Inside a task (qm start, stop, shutdown) Proxmox prints the task's lines on stdout: they say why when stderr is silent.
        var message = result.StandardError.Trim() is { Length: > 0 } stderr ? stderr
            : string.Join(" ", result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
        return new HypervisorCommandException(
            $"'{command}' failed on {host.Name} (exit {result.ExitStatus}): {(message.Length > 0 ? message : "no error message")}",
            result.ExitStatus, LastLines(result));
    }

    /// <summary>The last output lines for a failure report; the tracked command's marker is internal and never among them.</summary>
    public static List<string> LastLines(RemoteResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (result.StandardOutput + "\n" + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith(TrackedCommands.ProcessMarker, StringComparison.Ordinal)).TakeLast(20).ToList();
    }
}
