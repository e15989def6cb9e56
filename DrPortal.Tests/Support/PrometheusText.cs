using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DrPortal.Tests.Support;

/// <summary>One sample of an exposition: the series' name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, written from its specification: every line is a HELP or TYPE
/// comment or a sample; every sample belongs to a family declared by TYPE before it (histograms through _bucket, _sum
/// and _count); names and label names are valid; label values are quoted with only \\, \" and \n escaped; values are
/// floats (or +Inf, -Inf, NaN); no series appears twice; a histogram's buckets rise and end with le="+Inf" equal to _count.
/// Anything else throws with the line.
/// </summary>
public static partial class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("The exposition does not end with a line feed.");
        }
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').SkipLast(1))
        {
            if (line.StartsWith('#'))
            {
                Comment(line, types, samples);
                continue;
            }
            if (line.Length == 0)
            {
                continue;
            }
            var sample = Sample(line);
            if (FamilyOf(sample.Name, types) is null)
            {
                throw new FormatException($"Sample of an undeclared family: {line}");
            }
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!seen.Add(key))
            {
                throw new FormatException($"Series twice: {line}");
            }
            samples.Add(sample);
        }
        CheckHistograms(types, samples);
        return samples;
    }

    private static void Comment(string line, Dictionary<string, string> types, List<PrometheusSample> samples)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("HELP" or "TYPE"))
        {
            return; // Any other comment is allowed by the format.
        }
        if (!MetricName().IsMatch(parts[2]))
        {
            throw new FormatException($"Invalid metric name: {line}");
        }
        if (parts[1] == "TYPE")
        {
            if (parts.Length != 4 || !Types.Contains(parts[3]))
            {
                throw new FormatException($"Invalid TYPE line: {line}");
            }
            if (types.ContainsKey(parts[2]) || samples.Any(s => FamilyOf(s.Name, types) == parts[2]))
            {
                throw new FormatException($"TYPE twice or after its samples: {line}");
            }
            types[parts[2]] = parts[3];
        }
    }

    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }
        return null;
    }

    private static PrometheusSample Sample(string line)
    {
        var match = SampleLine().Match(line);
        if (!match.Success)
        {
            throw new FormatException($"Not a sample line: {line}");
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (match.Groups["labels"].Success)
        {
            var body = match.Groups["labels"].Value;
            var i = 0;
            while (i < body.Length)
            {
                var name = LabelName().Match(body, i);
                if (!name.Success || name.Index != i)
                {
                    throw new FormatException($"Invalid label name: {line}");
                }
                i += name.Length;
                if (i + 1 >= body.Length || body[i] != '=' || body[i + 1] != '"')
                {
                    throw new FormatException($"Label without a quoted value: {line}");
                }
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= body.Length)
                    {
                        throw new FormatException($"Unterminated label value: {line}");
                    }
                    var c = body[i++];
                    if (c == '"')
                    {
                        break;
                    }
                    if (c == '\\')
                    {
                        var escaped = i < body.Length ? body[i++] : throw new FormatException($"Dangling escape: {line}");
                        value.Append(escaped switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"Invalid escape \\{escaped}: {line}"),
                        });
                        continue;
                    }
                    value.Append(c);
                }
                if (!labels.TryAdd(name.Value, value.ToString()))
                {
                    throw new FormatException($"Label twice: {line}");
                }
                if (i < body.Length)
                {
                    if (body[i] != ',')
                    {
                        throw new FormatException($"Labels not separated by commas: {line}");
                    }
                    i++;
                }
            }
        }
        return new PrometheusSample(match.Groups["name"].Value, labels, Number(match.Groups["value"].Value, line));
    }

    private static double Number(string text, string line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"Invalid value: {line}"),
    };

    private static void CheckHistograms(Dictionary<string, string> types, List<PrometheusSample> samples)
    {
        foreach (var family in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var bySeries = samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)));
            foreach (var series in bySeries)
            {
                var buckets = series.Select(s => (Le: Number(s.Labels["le"], family), s.Value)).ToList();
                if (!buckets.Zip(buckets.Skip(1)).All(p => p.First.Le < p.Second.Le && p.First.Value <= p.Second.Value))
                {
                    throw new FormatException($"{family}{{{series.Key}}}: buckets do not rise.");
                }
                if (!double.IsPositiveInfinity(buckets[^1].Le))
                {
                    throw new FormatException($"{family}{{{series.Key}}}: no le=\"+Inf\" bucket.");
                }
                var count = samples.Single(s => s.Name == family + "_count" && Same(s.Labels, series.First().Labels));
                if (count.Value != buckets[^1].Value)
                {
                    throw new FormatException($"{family}{{{series.Key}}}: _count {count.Value} is not the +Inf bucket {buckets[^1].Value}.");
                }
            }
        }
    }

    private static bool Same(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> bucketLabels) =>
        labels.Count == bucketLabels.Count - 1 && labels.All(l => bucketLabels.TryGetValue(l.Key, out var v) && v == l.Value);

    /// <summary>The value of one series (labels must match exactly), or 0 when the series is absent (a counter not yet moved).</summary>
    public static double ValueOf(IReadOnlyList<PrometheusSample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.FirstOrDefault(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))?.Value ?? 0;

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( -?[0-9]+)?$")]
    private static partial Regex SampleLine();
}
