using System.Xml;
using System.Xml.Linq;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// Reads a domain's XML (virsh dumpxml) and writes the XML a restored domain is defined from. Everything goes through
/// System.Xml.Linq: no value is ever pasted into XML text, and DTDs are refused.
/// </summary>
public static class LibvirtDomainXml
{
    /// <exception cref="FormatException">Not a domain's XML.</exception>
    public static LibvirtDomain Parse(string xml)
    {
        var root = Load(xml);
        var name = root.Element("name")?.Value.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new FormatException("The domain XML has no <name>.");
        }
        var devices = root.Element("devices");
        var disks = (devices?.Elements("disk") ?? [])
            .Where(d => (string?)d.Attribute("device") is null or "disk")
            .Select(d => new LibvirtDisk(
                (string?)d.Element("target")?.Attribute("dev") ?? "",
                (string?)d.Attribute("type") ?? "file",
                (string?)d.Element("source")?.Attribute("file"),
                (string?)d.Element("driver")?.Attribute("type") ?? "raw"))
            .Where(d => d.Dev.Length > 0)
            .ToList();
        var nics = (devices?.Elements("interface") ?? [])
            .Select(i => new LibvirtNic((string?)i.Element("mac")?.Attribute("address"), (string?)i.Element("link")?.Attribute("state") == "down"))
            .ToList();
        var nvram = root.Element("os")?.Element("nvram")?.Value.Trim();
        return new LibvirtDomain(name, root.Element("uuid")?.Value.Trim(), disks, nics, string.IsNullOrEmpty(nvram) ? null : nvram);
    }

    /// <summary>
    /// The saved XML of a restore point rewritten for the recovery host: the target's name, no UUID (libvirt makes a new
    /// one, so the replica is never mistaken for the source), each backed-up disk on its rebuilt image, the NVRAM on its
    /// copy, and nothing that belongs to the running source (ids, aliases, backing chains, live interface names).
    /// MAC addresses are kept: the replica is the same machine to its network.
    /// </summary>
    /// <param name="diskPaths">Dev → the rebuilt qcow2 on the recovery host; every file disk of the saved XML must be in it.</param>
    /// <exception cref="FormatException">Not a domain's XML, or a file disk without a rebuilt image.</exception>
    public static string Restored(string savedXml, string name, IReadOnlyDictionary<string, string> diskPaths, string? nvramPath)
    {
        ArgumentNullException.ThrowIfNull(diskPaths);
        var root = Load(savedXml);
        root.Attribute("id")?.Remove();
        SetChild(root, "name", name);
        root.Elements("uuid").Remove();
        // Runtime leftovers a live dump may carry.
        root.Descendants("alias").Remove();
        root.Descendants("backingStore").Remove();
        root.Elements("seclabel").Where(s => (string?)s.Attribute("type") == "dynamic").Remove();
        var devices = root.Element("devices");
        foreach (var disk in (devices?.Elements("disk") ?? []).ToList())
        {
            if ((string?)disk.Attribute("device") is not (null or "disk"))
            {
                continue;
            }
            var dev = (string?)disk.Element("target")?.Attribute("dev") ?? "";
            var file = (string?)disk.Attribute("type") is null or "file" && disk.Element("source")?.Attribute("file") is not null;
            if (!file)
            {
                // A disk the point does not hold (a block or network disk of the source site) is not the replica's.
                disk.Remove();
                continue;
            }
            if (!diskPaths.TryGetValue(dev, out var path))
            {
                throw new FormatException($"Disk {dev} of the saved domain has no rebuilt image.");
            }
            var source = disk.Element("source")!;
            source.RemoveAttributes();
            source.SetAttributeValue("file", path);
            var driver = disk.Element("driver");
            if (driver is null)
            {
                driver = new XElement("driver", new XAttribute("name", "qemu"));
                disk.AddFirst(driver);
            }
            driver.SetAttributeValue("type", "qcow2");
        }
        foreach (var nic in devices?.Elements("interface") ?? [])
        {
            // vnetN names are given out by the host that runs the domain.
            nic.Elements("target").Remove();
        }
        var os = root.Element("os");
        var nvram = os?.Element("nvram");
        if (nvram is not null)
        {
            if (nvramPath is null)
            {
                nvram.Remove();
            }
            else
            {
                nvram.Value = nvramPath;
            }
        }
        return root.ToString(SaveOptions.None);
    }

    /// <summary>The interfaces' link states as the configuration shows them, for the read-back after setting them.</summary>
    public static IReadOnlyList<LibvirtNic> Nics(string xml) => Parse(xml).Nics;

    private static void SetChild(XElement parent, string name, string value)
    {
        var child = parent.Element(name);
        if (child is null)
        {
            parent.AddFirst(new XElement(name, value));
        }
        else
        {
            child.Value = value;
        }
    }

    private static XElement Load(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"Not well-formed domain XML: {ex.Message}", ex);
        }
        var root = document.Root;
        return root is not null && root.Name.LocalName == "domain" && root.Name.NamespaceName.Length == 0
            ? root
            : throw new FormatException("The XML is not a libvirt <domain>.");
    }
}
