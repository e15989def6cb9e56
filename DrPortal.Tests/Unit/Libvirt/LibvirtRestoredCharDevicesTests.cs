using System.Xml.Linq;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

/// <summary>A restored copy beside its original (a drill's scratch domain) writes only files of its own name.</summary>
public class LibvirtRestoredCharDevicesTests
{
    private static readonly Dictionary<string, string> Disks = new(StringComparer.Ordinal)
    {
        ["vda"] = "/var/lib/libvirt/images/drill-n12-r20261202T150000Z-vda.qcow2",
    };

    [Fact]
    public void Restored_BootDomain_SerialAndItsConsoleLogUnderTheNewName()
    {
        var devices = XElement.Parse(LibvirtDomainXml.Restored(LibvirtNetworkSamples.BootDomainXml, "drill-n12", Disks, null)).Element("devices")!;

        Assert.Equal("/var/log/libvirt/qemu/drill-n12-serial0.log", (string?)devices.Element("serial")?.Element("source")?.Attribute("path"));
        Assert.Equal("/var/log/libvirt/qemu/drill-n12-serial0.log", (string?)devices.Element("console")?.Element("source")?.Attribute("path"));
    }

    [Fact]
    public void Restored_BootDomain_KernelAndAgentChannelKept()
    {
        var root = XElement.Parse(LibvirtDomainXml.Restored(LibvirtNetworkSamples.BootDomainXml, "drill-n12", Disks, null));

        Assert.Equal("/usr/local/lib/drlab-guest/initrd.img", root.Element("os")?.Element("initrd")?.Value);
        var channel = Assert.Single(root.Element("devices")!.Elements("channel"));
        Assert.Equal("org.qemu.guest_agent.0", (string?)channel.Element("target")?.Attribute("name"));
    }

    [Fact]
    public void Restored_LiveAgentSocketAndChardevLog_DroppedAndRenamed()
    {
        var saved = LibvirtNetworkSamples.BootDomainXml.Replace(
            "<channel type='unix'>",
            "<channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-5-n12-sample/org.qemu.guest_agent.0'/>",
            StringComparison.Ordinal).Replace(
            "<serial type='file'>",
            "<serial type='file'><log file='/var/log/other.log' append='on'/>",
            StringComparison.Ordinal);

        var devices = XElement.Parse(LibvirtDomainXml.Restored(saved, "drill-n12", Disks, null)).Element("devices")!;

        Assert.Null(devices.Element("channel")?.Element("source"));
        Assert.Equal("/var/log/libvirt/qemu/drill-n12-serial0.chardev.log", (string?)devices.Element("serial")?.Element("log")?.Attribute("file"));
    }
}
