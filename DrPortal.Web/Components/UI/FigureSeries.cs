namespace DrPortal.Web.Components.UI;

/// <summary>One chart's data: a value per label, in the unit the title names; empty when nothing produced the figure.</summary>
public sealed record FigureSeries(string Title, string Unit, IReadOnlyList<string> Labels, IReadOnlyList<double> Values, string DataTest)
{
    public bool IsEmpty => Values.Count == 0;

    /// <summary>
    /// Labels for the x axis: at most about <paramref name="shown"/> of them written, the others blank, so a hundred
    /// tasks do not print a hundred overlapping dates.
    /// </summary>
    public string[] AxisLabels(int shown = 8)
    {
        var step = Math.Max(1, (int)Math.Ceiling(Labels.Count / (double)shown));
        return [.. Labels.Select((label, i) => i % step == 0 || i == Labels.Count - 1 ? label : "")];
    }
}
