using System.Globalization;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>The commands a boot check runs on the recovery host: values reach them only as positional parameters.</summary>
public static class BootCheckCommands
{
    /// <summary>Opens a TCP connection to the address and port within 3 s (bash's /dev/tcp; no netcat needed on the host).</summary>
    public static RemoteCommand Tcp(string address, int port) =>
        new("timeout", "3", "bash", "-c", "exec 3<>\"/dev/tcp/$1/$2\"", "drportal-check", address, port.ToString(CultureInfo.InvariantCulture));

    /// <summary>An admin's check or hook command, run by sh with the VM (or the run) as $1.</summary>
    public static RemoteCommand Admin(string command, string argument) => new("sh", "-c", command, "drportal", argument);
}
