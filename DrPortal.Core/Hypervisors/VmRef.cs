using System.Text.Json;
using System.Text.Json.Serialization;

namespace DrPortal.Core.Hypervisors;

/// <summary>
/// A VM as its hypervisor kind names it: a Proxmox VMID ("100"), a libvirt domain name ("web01"). The switch carries it
/// as opaque text; only the kind's profile (<see cref="IHypervisorProfile.CheckVmRef"/>) decides what is valid.
/// </summary>
[JsonConverter(typeof(VmRefJsonConverter))]
public readonly record struct VmRef
{
    public const int MaxLength = 64;

    public string Value { get; }

    private VmRef(string value) => Value = value;

    /// <summary>Wraps text a profile has accepted (or that was stored after being accepted).</summary>
    public static VmRef Of(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return new VmRef(value);
    }

    public bool IsEmpty => string.IsNullOrEmpty(Value);

    public override string ToString() => Value ?? "";
}

/// <summary>A VM reference is its text in JSON: "100", "web01".</summary>
public sealed class VmRefJsonConverter : JsonConverter<VmRef>
{
    public override VmRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { Length: > 0 } text ? VmRef.Of(text) : throw new JsonException("A VM reference is a non-empty string.");

    public override void Write(Utf8JsonWriter writer, VmRef value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
