using System.Xml.Linq;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtDomainXmlTests
{
    private static readonly Dictionary<string, string> NewDisks = new(StringComparer.Ordinal)
    {
        ["vda"] = "/var/lib/libvirt/images/web01-dr-r20261202T090000Z-vda.qcow2",
    };

    [Fact]
    public void Parse_LiveDump_ReadsNameUuidDiskAndNic()
    {
        var domain = LibvirtDomainXml.Parse(LibvirtSamples.LiveXml);

        Assert.Equal("lvsample", domain.Name);
        Assert.Equal("f06b5c6e-4996-4f01-8e9b-0c7f38d40a40", domain.Uuid);
        var disk = Assert.Single(domain.Disks);
        Assert.Equal(new LibvirtDisk("vda", "file", "/var/lib/libvirt/images/lvsample-vda.qcow2", "qcow2"), disk);
        Assert.True(disk.IsFile);
        Assert.Equal([new LibvirtNic("52:54:00:1e:42:a3", false)], domain.Nics);
        Assert.Null(domain.Nvram);
    }

    [Fact]
    public void Parse_InactiveDump_SkipsCdromsAndKnowsBlockDisksNvramAndLinks()
    {
        var domain = LibvirtDomainXml.Parse(LibvirtSamples.InactiveXml);

        Assert.Equal(["vda", "vdb"], domain.Disks.Select(d => d.Dev));
        Assert.False(domain.Disks[1].IsFile);
        Assert.Equal("/var/lib/libvirt/qemu/nvram/lvsample_VARS.fd", domain.Nvram);
        Assert.Equal([false, true], domain.Nics.Select(n => n.LinkDown));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<domain><name>x</name>")]
    [InlineData("<network><name>x</name></network>")]
    [InlineData("<domain><uuid>1</uuid></domain>")]
    [InlineData("<!DOCTYPE domain [<!ENTITY x SYSTEM \"file:///etc/shadow\">]><domain><name>&x;</name></domain>")]
    public void Parse_NotADomainOrWithADtd_IsAFormatError(string xml) =>
        Assert.Throws<FormatException>(() => LibvirtDomainXml.Parse(xml));

    [Fact]
    public void Restored_LiveDump_HasTheTargetNameNoUuidAndTheNewDisk()
    {
        var xml = LibvirtDomainXml.Restored(LibvirtSamples.LiveXml, "web01-dr", NewDisks, null);

        var root = XElement.Parse(xml);
        Assert.Equal("web01-dr", root.Element("name")!.Value);
        Assert.Empty(root.Elements("uuid"));
        Assert.Null(root.Attribute("id"));
        var source = root.Element("devices")!.Element("disk")!.Element("source")!;
        Assert.Equal(NewDisks["vda"], (string?)source.Attribute("file"));
        Assert.Null(source.Attribute("index"));
        Assert.Empty(root.Descendants("backingStore"));
        Assert.Empty(root.Descendants("alias"));
        Assert.Empty(root.Elements("seclabel"));
        var nic = root.Element("devices")!.Element("interface")!;
        Assert.Equal("52:54:00:1e:42:a3", (string?)nic.Element("mac")!.Attribute("address"));
        Assert.Null(nic.Element("target"));
    }

    [Fact]
    public void Restored_InactiveDump_DropsTheBlockDiskKeepsTheCdromAndMovesTheNvram()
    {
        var xml = LibvirtDomainXml.Restored(LibvirtSamples.InactiveXml, "web01-dr", NewDisks, "/var/lib/libvirt/images/web01-dr-r20261202T090000Z-nvram.fd");

        var domain = LibvirtDomainXml.Parse(xml);
        Assert.Equal(["vda"], domain.Disks.Select(d => d.Dev));
        Assert.Contains("device=\"cdrom\"", xml, StringComparison.Ordinal);
        Assert.Equal("/var/lib/libvirt/images/web01-dr-r20261202T090000Z-nvram.fd", domain.Nvram);
        Assert.Equal(["52:54:00:1e:42:a3", "52:54:00:aa:bb:cc"], domain.Nics.Select(n => n.Mac));
    }

    [Fact]
    public void Restored_DiskWithoutARebuiltImage_IsAFormatError() =>
        Assert.Throws<FormatException>(() => LibvirtDomainXml.Restored(LibvirtSamples.LiveXml, "web01-dr", new Dictionary<string, string>(), null));

    [Fact]
    public void Restored_MarkupInValues_StaysText()
    {
        var xml = LibvirtDomainXml.Restored(LibvirtSamples.LiveXml, "a</name><uuid>x</uuid><name>b", NewDisks, null);

        var root = XElement.Parse(xml);
        Assert.Equal("a</name><uuid>x</uuid><name>b", root.Element("name")!.Value);
        Assert.Empty(root.Elements("uuid"));
    }
}
