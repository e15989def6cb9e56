using System.Text.RegularExpressions;

namespace DrPortal.Core.Hypervisors;

/// <summary>
/// Marks a long host command (a backup, a restore) so that a later attempt of the same task can find what an earlier
/// one left running — when the portal died, the host command lives on and keeps the VM locked. Letters, digits and
/// dashes only, so it is safe anywhere.
/// </summary>
public sealed partial record CommandTag
{
    public string Value { get; }

    public CommandTag(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Shape().IsMatch(value))
        {
            throw new ArgumentException("A command tag is 1 to 64 letters, digits and dashes.", nameof(value));
        }
        Value = value;
    }

    public override string ToString() => Value;

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,64}\z")]
    private static partial Regex Shape();
}
