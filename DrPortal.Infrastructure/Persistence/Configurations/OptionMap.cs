using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DrPortal.Infrastructure.Persistence.Configurations;

/// <summary>A pair's backup options as one JSON object column: the keys are the kind's, the pipeline never reads them.</summary>
internal static class OptionMap
{
    public const int MaxLength = 1000;

    public static ValueConverter<Dictionary<string, string>, string> Converter { get; } = new(
        map => JsonSerializer.Serialize(new SortedDictionary<string, string>(map, StringComparer.Ordinal), (JsonSerializerOptions?)null),
        json => Read(json));

    public static ValueComparer<Dictionary<string, string>> Comparer { get; } = new(
        (a, b) => a != null && b != null && a.Count == b.Count && a.All(kv => b.ContainsKey(kv.Key) && b[kv.Key] == kv.Value),
        map => map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
        map => new Dictionary<string, string>(map, StringComparer.Ordinal));

    private static Dictionary<string, string> Read(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(string.IsNullOrEmpty(json) ? "{}" : json) ?? [], StringComparer.Ordinal);
}
