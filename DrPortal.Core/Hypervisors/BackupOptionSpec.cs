namespace DrPortal.Core.Hypervisors;

/// <summary>One backup option a hypervisor kind offers per pair (Proxmox: compressor, mode), with its allowed values.</summary>
/// <param name="Key">The key in a pair's options, e.g. "compress".</param>
/// <param name="Label">What the form calls it.</param>
/// <param name="Choices">Every allowed value; the first is not necessarily the default.</param>
/// <param name="Default">The value a pair gets when it does not choose.</param>
public sealed record BackupOptionSpec(string Key, string Label, string Help, IReadOnlyList<BackupOptionChoice> Choices, string Default);
