using System.Text.Json;
using System.Text.Json.Serialization;

namespace DrPortal.Web.Api;

/// <summary>
/// Enums in the API are their names, matched without regard to case, and nothing else: System.Text.Json's string
/// converter also takes numbers ("1") and comma-joined names ("Primary, Recovery", saved as Primary|Recovery on an enum
/// that is no set of flags), both of which let a client store a value it never named. A refused value is a
/// <see cref="JsonException"/> whose message lists the allowed names; <see cref="ApiErrors"/> turns it into a 400 on the field.
/// </summary>
internal sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Named<>).MakeGenericType(typeToConvert))!;

    /// <summary>"must be one of: A, B, C" — the words every refusal of an enum value uses.</summary>
    public static string Expected(Type enumType) => "must be one of: " + string.Join(", ", Enum.GetNames(enumType)) + ".";

    private sealed class Named<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<string, T> Names =
            Enum.GetNames<T>().ToDictionary(n => n, Enum.Parse<T>, StringComparer.OrdinalIgnoreCase);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && Names.TryGetValue(text.Trim(), out var value))
            {
                return value;
            }
            throw new JsonException(Expected(typeof(T)));
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Names.TryGetValue(reader.GetString() ?? "", out var value) ? value : throw new JsonException(Expected(typeof(T)));

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(value.ToString());
    }
}
