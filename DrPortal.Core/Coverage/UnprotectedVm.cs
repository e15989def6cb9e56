namespace DrPortal.Core.Coverage;

/// <summary>A VM found on a primary host that no pair has as its source.</summary>
public sealed record UnprotectedVm(int HostId, string HostName, string Vm, string Name);
