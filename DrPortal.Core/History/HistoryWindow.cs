using DrPortal.Core.Common;

namespace DrPortal.Core.History;

/// <summary>How far back history reaches: the last <paramref name="Days"/> days, at most <paramref name="Take"/> tasks per pair.</summary>
public sealed record HistoryWindow(int Days = HistoryWindow.DefaultDays, int Take = HistoryWindow.DefaultTake)
{
    public const int DefaultDays = 90;
    public const int MaxDays = 366;
    public const int DefaultTake = 100;
    public const int MaxTake = 500;

    /// <summary>Errors naming the field that is out of range; empty when the window is valid.</summary>
    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        if (Days is < 1 or > MaxDays)
        {
            errors.Add(nameof(Days), $"Days must be between 1 and {MaxDays}.");
        }
        if (Take is < 1 or > MaxTake)
        {
            errors.Add(nameof(Take), $"Take must be between 1 and {MaxTake}.");
        }
        return errors;
    }
}
