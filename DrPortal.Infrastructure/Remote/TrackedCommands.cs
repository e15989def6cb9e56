using System.Globalization;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// Host commands that can be found again: a long command reports its PID and start time before it runs, so a later
/// attempt (after the portal died) can stop exactly that process and nothing else. Every driver runs its long commands so.
/// </summary>
public static class TrackedCommands
{
    /// <summary>
    /// The first line a <see cref="Tracked"/> command prints: "drportal-process PID STARTTIME". Internal: the runner
    /// keeps it from the user's log and output.
    /// </summary>
    public const string ProcessMarker = "drportal-process ";

    /// <summary>
    /// Runs <paramref name="command"/> so that its first stdout line is <see cref="ProcessMarker"/> with its PID and its
    /// start time (field 22 of /proc/PID/stat), then becomes the command (exec keeps both). Nothing is added to its
    /// environment: whatever it starts (a VM that a stop-mode backup restarts) carries no mark of the portal.
    /// </summary>
    public static RemoteCommand Tracked(RemoteCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RemoteCommand.Script(TrackedScript, [command.Program, .. command.Arguments]);
    }

    // comm (field 2) may hold spaces and ')', so the fields are counted after its last ") "; field 22 is then the 20th.
    private const string TrackedScript = """
        field22() { shift 19; st=$1; }
        s=$(cat /proc/$$/stat 2>/dev/null); st=""
        [ -n "$s" ] && field22 ${s##*") "}
        echo "drportal-process $$ $st"
        exec "$@"
        """;

    /// <summary>
    /// Stops the one process the portal started and recorded, and nothing else: it signals only
    /// <paramref name="process"/>'s PID, only while /proc/PID/stat still shows the recorded start time (a reused PID is
    /// someone else's), and refuses when that process is a VM (kvm/QEMU by argv[0], comm or executable): it then prints
    /// "refused: ..." and exits 3 without signalling. Otherwise SIGTERM (vzdump, qmrestore and virsh clean up and unlock on it)
    /// and a wait of up to 30 s. Prints one word: "stopped", "gone" (had already ended) or "running" (exit 1, still alive).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A PID of 1 or less (0 and negatives would signal process groups) or a negative start time.</exception>
    public static RemoteCommand StopLeftover(HostProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.Pid <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(process), process.Pid, "A leftover's PID is greater than 1.");
        }
        if (process.StartTime < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(process), process.StartTime, "A start time is not negative.");
        }
        return RemoteCommand.Script(StopLeftoverScript,
            process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            process.StartTime.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private const string StopLeftoverScript = """
        pid=$1; want=$2
        case "$pid" in ''|*[!0-9]*|0|1) echo "refused: '$pid' is not a process id"; exit 2 ;; esac
        case "$want" in ''|*[!0-9]*) echo "refused: '$want' is not a start time"; exit 2 ;; esac
        # Still the process we started: alive (not a zombie) with the recorded start time.
        ours() {
          s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
          [ -n "$s" ] || return 1
          set -- ${s##*") "}
          case "$1" in Z|X|x) return 1 ;; esac
          shift 19
          [ "$1" = "$want" ]
        }
        vm() {
          a=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | head -n 1)
          c=$(cat "/proc/$pid/comm" 2>/dev/null)
          e=$(readlink "/proc/$pid/exe" 2>/dev/null)
          for w in "${a%% *}" "$c" "$e"; do
            case "${w##*/}" in kvm|kvm\ *|qemu-kvm|qemu-system-*) return 0 ;; esac
          done
          return 1
        }
        ours || { echo gone; exit 0; }
        if vm; then echo "refused: process $pid is a VM process ($a)"; exit 3; fi
        if ! kill -TERM "$pid" 2>/dev/null; then
          ours && { echo "refused: cannot signal process $pid"; exit 4; }
          echo gone; exit 0
        fi
        i=0
        while [ $i -lt 150 ]; do
          ours || { echo stopped; exit 0; }
          sleep 0.2; i=$((i+1))
        done
        echo running; exit 1
        """;


    /// <summary>"drportal-process PID STARTTIME"; null when the host could not read its own start time.</summary>
    public static HostProcess? ParseMarker(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.AsSpan(ProcessMarker.Length).Trim().ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2
               && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
               && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new HostProcess(pid, start)
            : null;
    }

    public static string WithoutMarker(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.StartsWith(ProcessMarker, StringComparison.Ordinal) && output.IndexOf('\n', StringComparison.Ordinal) is var end and >= 0
            ? output[(end + 1)..]
            : output;
    }
}
