namespace DrPortal.Core.Common;

/// <summary>One page of a list endpoint: <paramref name="Skip"/> rows, then at most <paramref name="Take"/> (1 to the list's maximum).</summary>
public sealed record ListWindow(int Skip, int Take)
{
    /// <summary>Errors naming <c>skip</c> or <c>take</c> when out of range; empty when the window is valid.</summary>
    public ValidationErrors Validate(int maxTake)
    {
        var errors = new ValidationErrors();
        if (Skip < 0)
        {
            errors.Add(nameof(Skip), "Skip must be 0 or more.");
        }
        if (Take < 1 || Take > maxTake)
        {
            errors.Add(nameof(Take), $"Take must be between 1 and {maxTake}.");
        }
        return errors;
    }
}
