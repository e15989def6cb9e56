using System.Text.Json;
using System.Text.Json.Serialization;
using DrPortal.Core.Archives;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// What the driver keeps with a restore point (Archive.Metadata, JSON): the checkpoint it made, the domain's UUID and
/// disks at that point, and its place in a chain, so the next backup can tell whether it may build on it.
/// </summary>
/// <param name="Stamp">The point's UTC stamp, part of its files' names.</param>
/// <param name="Checkpoint">The libvirt checkpoint made at the point; null when none was (a stopped domain, a raw disk).</param>
/// <param name="ParentCheckpoint">The checkpoint an incremental point holds the changes since; null for a full point.</param>
/// <param name="Chain">How many incrementals in a row this point ends: 0 for a full point.</param>
/// <param name="Consistency">"frozen" (guest agent), "crash" (running, no agent) or "stopped".</param>
/// <param name="XmlFile">The file holding the domain's saved definition.</param>
/// <param name="NvramFile">The file holding its NVRAM, when it has one.</param>
public sealed record LibvirtPointMetadata(
    string Stamp,
    string? Checkpoint,
    string? ParentCheckpoint,
    string? Uuid,
    int Chain,
    string Consistency,
    IReadOnlyList<LibvirtPointDisk> Disks,
    string XmlFile,
    string? NvramFile)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <exception cref="InvalidOperationException">The JSON would not fit the archive's metadata column.</exception>
    public string ToJson()
    {
        var json = JsonSerializer.Serialize(this, Json);
        return json.Length <= Archive.MetadataMaxLength
            ? json
            : throw new InvalidOperationException($"The restore point's metadata has {json.Length} characters; at most {Archive.MetadataMaxLength} fit.");
    }

    /// <summary>Null when the text is not this driver's metadata (another kind's point, or none).</summary>
    public static LibvirtPointMetadata? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            var metadata = JsonSerializer.Deserialize<LibvirtPointMetadata>(json, Json);
            return metadata is { Stamp.Length: > 0, Disks.Count: > 0, XmlFile.Length: > 0 } ? metadata : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
