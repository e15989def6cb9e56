namespace DrPortal.Core.Hypervisors;

/// <summary>
/// A process the portal started on a host, named so that it can be found again and never confused with another:
/// a PID alone may be reused by an unrelated process once ours has ended, the pair with its start time may not.
/// </summary>
/// <param name="Pid">The process id on the host.</param>
/// <param name="StartTime">Field 22 of /proc/PID/stat: clock ticks after the host booted when the process started.</param>
public sealed record HostProcess(int Pid, long StartTime);
