using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DrPortal.Infrastructure.Persistence.Configurations;

/// <summary>
/// A small value kept as one JSON column (a pair's network mappings, its boot check): read and written whole, never
/// queried by its parts. Compared by its JSON so EF sees a changed list.
/// </summary>
internal static class JsonColumn<T>
    where T : class
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static ValueConverter<T, string> Converter { get; } = new(
        value => JsonSerializer.Serialize(value, Options),
        json => Read(json));

    public static ValueComparer<T> Comparer { get; } = new(
        (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
        value => JsonSerializer.Serialize(value, Options).GetHashCode(StringComparison.Ordinal),
        value => Read(JsonSerializer.Serialize(value, Options)));

    private static T Read(string json) =>
        JsonSerializer.Deserialize<T>(string.IsNullOrEmpty(json) ? Empty : json, Options) ?? JsonSerializer.Deserialize<T>(Empty, Options)!;

    private static string Empty => typeof(T).IsAssignableTo(typeof(System.Collections.IEnumerable)) ? "[]" : "{}";
}
