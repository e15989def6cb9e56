using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// Reads a domain's XML (virsh dumpxml) and writes the XML a restored domain is defined from. Everything goes through
/// System.Xml.Linq: no value is ever pasted into XML text, and DTDs are refused.
/// </summary>
public static class LibvirtDomainXml
{
    /// <summary>Where a restored domain's file-backed consoles and channels log: libvirt's own log directory, one file per domain.</summary>
    public const string CharDeviceLogDirectory = "/var/log/libvirt/qemu";

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
        var nics = InterfacesOf(devices).Select(i => new LibvirtNic(i.Mac, i.LinkDown)).ToList();
        var nvram = root.Element("os")?.Element("nvram")?.Value.Trim();
        return new LibvirtDomain(name, root.Element("uuid")?.Value.Trim(), disks, nics, string.IsNullOrEmpty(nvram) ? null : nvram);
    }

    /// <summary>
    /// The saved XML of a restore point rewritten for the recovery host: the target's name, no UUID (libvirt makes a new
    /// one, so the replica is never mistaken for the source), each backed-up disk on its rebuilt image, the NVRAM on its
    /// copy, file-backed consoles and channels logging into files of its own name, and nothing that belongs to the running
    /// source (ids, aliases, backing chains, live interface names, the guest agent's socket).
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
        OwnCharDevices(devices, name);
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

    /// <summary>Every interface of the domain in document order (net0 first), with its type, source, VLAN, link and model.</summary>
    /// <exception cref="FormatException">Not a domain's XML.</exception>
    public static IReadOnlyList<LibvirtInterface> Interfaces(string xml) => InterfacesOf(Load(xml).Element("devices"));

    /// <summary>
    /// The inactive XML with each change written into its interface: the source (bridge or network, the interface type
    /// following it; a virtual port and a host-given tap name dropped, since they belong to the old network), the VLAN tag
    /// (or none), the MAC removed for a new one, the link state. Everything else of the domain stays as it was.
    /// </summary>
    /// <exception cref="FormatException">Not a domain's XML, or a change names an interface the domain does not have.</exception>
    public static string WithNetwork(string inactiveXml, IReadOnlyList<LibvirtNicChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var root = Load(inactiveXml);
        var interfaces = (root.Element("devices")?.Elements("interface") ?? []).ToList();
        foreach (var change in changes)
        {
            if (change.Index < 0 || change.Index >= interfaces.Count)
            {
                throw new FormatException($"The domain has no interface net{change.Index}; it has {interfaces.Count}.");
            }
            var nic = interfaces[change.Index];
            if (change.Target is { } target)
            {
                var bridge = target.Kind == LibvirtNetworkKind.LinuxBridge;
                nic.SetAttributeValue("type", bridge ? "bridge" : "network");
                nic.Elements("source").Remove();
                nic.Elements("virtualport").Remove();
                nic.Elements("target").Remove();
                var source = new XElement("source", new XAttribute(bridge ? "bridge" : "network", target.Name));
                if (nic.Element("mac") is { } macElement)
                {
                    macElement.AddAfterSelf(source);
                }
                else
                {
                    nic.AddFirst(source);
                }
            }
            nic.Elements("vlan").Remove();
            if (change.VlanTag is { } tag)
            {
                nic.Add(new XElement("vlan", new XElement("tag", new XAttribute("id", tag.ToString(CultureInfo.InvariantCulture)))));
            }
            if (change.NewMac)
            {
                nic.Elements("mac").Remove();
            }
            nic.Elements("link").Remove();
            nic.Add(new XElement("link", new XAttribute("state", change.LinkUp ? "up" : "down")));
        }
        return root.ToString(SaveOptions.None);
    }

    /// <summary>The interfaces' link states as the configuration shows them, for the read-back after setting them.</summary>
    public static IReadOnlyList<LibvirtNic> Nics(string xml) => Parse(xml).Nics;

    private static List<LibvirtInterface> InterfacesOf(XElement? devices) =>
        (devices?.Elements("interface") ?? []).Select(i =>
        {
            var type = (string?)i.Attribute("type") ?? "";
            var source = i.Element("source");
            var tag = (string?)i.Element("vlan")?.Elements("tag").FirstOrDefault()?.Attribute("id");
            return new LibvirtInterface(
                type,
                (string?)i.Element("mac")?.Attribute("address"),
                type switch { "bridge" => (string?)source?.Attribute("bridge"), "network" => (string?)source?.Attribute("network"), _ => null },
                int.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null,
                (string?)i.Element("link")?.Attribute("state") == "down",
                (string?)i.Element("model")?.Attribute("type"),
                (string?)i.Element("virtualport")?.Attribute("type"));
        }).ToList();

    /// <summary>
    /// A file-backed serial port, console or channel logs into a file named after its domain, and a guest-agent socket
    /// is left for libvirt to make per domain: a restored copy beside its original (a drill's scratch domain on the
    /// replica's host) never writes another domain's log or binds another domain's socket.
    /// </summary>
    private static void OwnCharDevices(XElement? devices, string name)
    {
        if (devices is null)
        {
            return;
        }
        var serials = new HashSet<string>(StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var device in devices.Elements().Where(e => e.Name.LocalName is "serial" or "parallel" or "channel" or "console").ToList())
        {
            var kind = device.Name.LocalName;
            var n = index[kind] = index.GetValueOrDefault(kind, -1) + 1;
            var target = device.Element("target");
            var port = (string?)target?.Attribute("port") ?? n.ToString(CultureInfo.InvariantCulture);
            var type = (string?)device.Attribute("type");
            if (type == "unix" && kind == "channel" && (string?)target?.Attribute("type") == "virtio")
            {
                device.Elements("source").Remove();
            }
            // The console that mirrors a serial port names that port's file, as libvirt requires.
            var key = kind == "serial" || (kind == "console" && (string?)target?.Attribute("type") is null or "serial" && serials.Contains("serial" + port))
                ? "serial" + port
                : kind + n.ToString(CultureInfo.InvariantCulture);
            if (type == "file")
            {
                var source = device.Element("source");
                if (source is null)
                {
                    device.AddFirst(source = new XElement("source"));
                }
                source.SetAttributeValue("path", $"{CharDeviceLogDirectory}/{name}-{key}.log");
                if (kind == "serial")
                {
                    serials.Add(key);
                }
            }
            foreach (var log in device.Elements("log"))
            {
                log.SetAttributeValue("file", $"{CharDeviceLogDirectory}/{name}-{key}.chardev.log");
            }
        }
    }

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
