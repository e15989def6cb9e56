namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>Reads <c>virsh version</c> into one line: "libvirt 9.0.0, QEMU 7.2.22".</summary>
public static class VirshVersionParser
{
    /// <summary>Null when neither the library nor the hypervisor is named.</summary>
    public static string? Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? library = null, hypervisor = null;
        foreach (var line in output.Split('\n'))
        {
            if (!DomJobInfoParser.TrySplit(line, out var key, out var value))
            {
                continue;
            }
            if (key == "Using library" && value.StartsWith("libvirt ", StringComparison.Ordinal))
            {
                library = value;
            }
            else if (key == "Running hypervisor")
            {
                hypervisor = value;
            }
        }
        return (library, hypervisor) switch
        {
            (null, null) => null,
            ({ } l, null) => l,
            (null, { } h) => h,
            ({ } l, { } h) => $"{l}, {h}",
        };
    }
}
