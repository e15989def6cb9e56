using System.Xml;
using System.Xml.Linq;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>The domainbackup and domaincheckpoint documents of <c>virsh backup-begin</c>, built with System.Xml.Linq.</summary>
public static class LibvirtBackupXml
{
    /// <summary>
    /// A push-mode backup: each disk of <paramref name="targets"/> written by QEMU into its qcow2 file, every other disk
    /// left out (libvirt would back up every disk it is not told to skip).
    /// </summary>
    /// <param name="targets">Dev → absolute target path on the host.</param>
    /// <param name="skipped">Devs of disks the point does not hold.</param>
    /// <param name="incrementalFrom">The checkpoint whose changes since are copied; null for a full backup.</param>
    public static string Backup(IReadOnlyList<KeyValuePair<string, string>> targets, IEnumerable<string> skipped, string? incrementalFrom)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(skipped);
        var disks = new XElement("disks",
            targets.Select(t => new XElement("disk",
                new XAttribute("name", t.Key),
                new XAttribute("backup", "yes"),
                new XAttribute("type", "file"),
                new XElement("target", new XAttribute("file", t.Value)),
                new XElement("driver", new XAttribute("type", "qcow2")))),
            skipped.Select(dev => new XElement("disk", new XAttribute("name", dev), new XAttribute("backup", "no"))));
        var backup = new XElement("domainbackup", new XAttribute("mode", "push"));
        if (incrementalFrom is not null)
        {
            backup.Add(new XElement("incremental", incrementalFrom));
        }
        backup.Add(disks);
        return backup.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The checkpoint a backup makes at its own point in time: a dirty bitmap on each disk it holds.</summary>
    public static string Checkpoint(string name, string description, IEnumerable<string> bitmapDisks, IEnumerable<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(bitmapDisks);
        ArgumentNullException.ThrowIfNull(skipped);
        return new XElement("domaincheckpoint",
            new XElement("name", name),
            new XElement("description", description),
            new XElement("disks",
                bitmapDisks.Select(dev => new XElement("disk", new XAttribute("name", dev), new XAttribute("checkpoint", "bitmap"))),
                skipped.Select(dev => new XElement("disk", new XAttribute("name", dev), new XAttribute("checkpoint", "no")))))
            .ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>
    /// The target file of each disk a running push-mode job writes, from <c>virsh backup-dumpxml</c> (dev → path); empty
    /// when the document is not one (no job, or not XML): the caller then knows of no file to remove.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Targets(string backupXml)
    {
        XElement root;
        try
        {
            root = XElement.Parse(backupXml);
        }
        catch (XmlException)
        {
            return [];
        }
        if (root.Name.LocalName != "domainbackup")
        {
            return [];
        }
        return root.Element("disks")?.Elements("disk")
            .Where(d => (string?)d.Attribute("backup") != "no")
            .Select(d => (Dev: (string?)d.Attribute("name"), File: (string?)d.Element("target")?.Attribute("file")))
            .Where(d => d.Dev is not null && d.File is not null)
            .Select(d => KeyValuePair.Create(d.Dev!, d.File!))
            .ToList() ?? [];
    }
}
