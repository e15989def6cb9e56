namespace DrPortal.Core.Hypervisors;

/// <param name="Value">What is stored and sent to the driver.</param>
/// <param name="Label">What the form shows.</param>
/// <param name="Hint">One line on what choosing it means.</param>
public sealed record BackupOptionChoice(string Value, string Label, string Hint);
