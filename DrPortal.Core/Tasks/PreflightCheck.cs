namespace DrPortal.Core.Tasks;

/// <summary>One thing checked before a task touches anything, with the outcome in words an administrator can act on.</summary>
/// <param name="Name">Short label: "Source VM", "Recovery target", "Free space on pve-dr1".</param>
public sealed record PreflightCheck(string Name, PreflightStatus Status, string Message);
