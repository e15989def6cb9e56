using System.ComponentModel;
using System.Diagnostics;
using DrPortal.Core.Archives;

namespace DrPortal.Infrastructure.Transport;

/// <summary>
/// The local processes a transfer starts (rsync, the system ssh client): an argument list, never a shell line; the C locale,
/// so their messages parse; all three streams redirected. They are ended only through the <see cref="Process"/> the transfer
/// holds, never by name or pattern.
/// </summary>
internal static class TransferProcess
{
    /// <param name="argv">The program, then its arguments.</param>
    /// <param name="withInput">Keep standard input open for the caller to write; otherwise it is closed at once.</param>
    public static Process Start(IReadOnlyList<string> argv, bool withInput)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in argv.Skip(1))
        {
            psi.ArgumentList.Add(argument);
        }
        psi.Environment["LC_ALL"] = "C";
        var process = Process.Start(psi) ?? throw new TransferException($"{argv[0]} could not be started.", retryable: false, []);
        if (!withInput)
        {
            process.StandardInput.Close();
        }
        return process;
    }

    /// <summary>Ends a process this transfer started (and, with <paramref name="entireTree"/>, the children it started).</summary>
    public static void Kill(Process process, bool entireTree = false)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireTree);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }
}
