using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DrPortal.Web.Api;

/// <summary>
/// What a request that minimal APIs could not bind got wrong, as field → what the field takes: the JSON field a body
/// value of the wrong type sat in (found from the exception's JSON path and the body parameter's type), the query or
/// route parameter that did not parse, or where malformed JSON broke off. Endpoints write no code for this.
/// </summary>
internal static partial class BindingFailure
{
    public const string BodyKey = "body";

    /// <summary>Field → messages for a binding failure of <paramref name="handler"/> (null when it is no binding failure).</summary>
    public static Dictionary<string, string[]>? Errors(BadHttpRequestException failure, MethodInfo? handler)
    {
        if (failure.InnerException is JsonException json && ReadBody().Match(failure.Message) is { Success: true } body)
        {
            return JsonErrors(json, ParameterType(handler, body.Groups["name"].Value));
        }
        if (BindParameter().Match(failure.Message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            var type = ParameterType(handler, name);
            return One(name, type is null ? "has the wrong format." : Expected(type));
        }
        if (MissingBody().IsMatch(failure.Message) || ImplicitBodyMissing().IsMatch(failure.Message))
        {
            return One(BodyKey, "is required: send the request's fields as a JSON object (Content-Type: application/json).");
        }
        if (MissingParameter().Match(failure.Message) is { Success: true } missing)
        {
            return One(missing.Groups["name"].Value, "is required.");
        }
        return null;
    }

    private static Dictionary<string, string[]> JsonErrors(JsonException json, Type? bodyType)
    {
        // The reader's own exception (internal JsonReaderException), thrown as is or wrapped with the path: the text is no JSON.
        if (json.GetType() != typeof(JsonException) || json.InnerException is JsonException)
        {
            var where = json.LineNumber is { } line && json.BytePositionInLine is { } column
                ? $" at line {line + 1}, position {column + 1}" + (json.Path is { Length: > 1 } path ? $" (after {path})" : "")
                : "";
            return One(BodyKey, $"is not valid JSON{where}.");
        }
        var field = FieldName(json.Path);
        var type = bodyType is null ? null : TypeAt(bodyType, json.Path);
        return One(field, type is null ? "has the wrong type or format." : Expected(type));
    }

    /// <summary>What a value of <paramref name="type"/> looks like, as the API's error messages say it.</summary>
    internal static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return StrictEnumConverter.Expected(type);
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 =>
                "must be a number (a whole number).",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "must be a number.",
            TypeCode.Boolean => "must be true or false.",
            TypeCode.String or TypeCode.Char => "must be a string.",
            TypeCode.DateTime => "must be a date and time in ISO 8601, e.g. 2026-12-03T18:30:00Z.",
            _ when type == typeof(DateTimeOffset) => "must be a date and time in ISO 8601, e.g. 2026-12-03T18:30:00Z.",
            _ when type == typeof(DateOnly) => "must be a date in ISO 8601, e.g. 2026-12-03.",
            _ when type == typeof(TimeOnly) => "must be a time of day, e.g. 18:30.",
            _ when type == typeof(TimeSpan) => "must be a duration, e.g. 01:30:00.",
            _ when type == typeof(Guid) => "must be a GUID.",
            _ when DictionaryValueType(type) is not null => "must be a JSON object of names to values.",
            _ when ElementType(type) is not null => "must be a JSON array.",
            _ => "must be a JSON object.",
        };
    }

    /// <summary>"$.retention.keepLast" → "retention.keepLast"; the root ("$") is the body itself.</summary>
    private static string FieldName(string? path) =>
        path is null || path == "$" ? BodyKey : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>The .NET type a JSON path points at inside <paramref name="root"/> (properties matched as the web defaults do: case-insensitively).</summary>
    private static Type? TypeAt(Type root, string? path)
    {
        var type = root;
        foreach (Match segment in PathSegment().Matches(path ?? ""))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (segment.Groups["index"].Success)
            {
                type = ElementType(type);
            }
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                type = DictionaryValueType(type)
                    ?? type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
            }
            if (type is null)
            {
                return null;
            }
        }
        return type;
    }

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            ?.GetGenericArguments()[1];

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : null;

    private static Type? ParameterType(MethodInfo? handler, string name) =>
        handler?.GetParameters().FirstOrDefault(p => p.Name == name)?.ParameterType;

    private static Dictionary<string, string[]> One(string field, string message) => new() { [field] = [message] };

    // The texts of Microsoft.AspNetCore.Http.RequestDelegateFactory's BadHttpRequestExceptions (the parameter is "<type> <name>").
    [GeneratedRegex("""^Failed to read parameter "(?<type>.+) (?<name>[^ "]+)" from the request body as JSON\.""")]
    private static partial Regex ReadBody();

    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from ".*"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindParameter();

    [GeneratedRegex("""^Required parameter ".+ [^ "]+" was not provided from body\.$""")]
    private static partial Regex MissingBody();

    [GeneratedRegex("""^Implicit body inferred for parameter ".+" but no body was provided""")]
    private static partial Regex ImplicitBodyMissing();

    [GeneratedRegex("""^Required parameter "(?<type>.+) (?<name>[^ "]+)" was not provided""")]
    private static partial Regex MissingParameter();

    [GeneratedRegex("""\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]""")]
    private static partial Regex PathSegment();
}
