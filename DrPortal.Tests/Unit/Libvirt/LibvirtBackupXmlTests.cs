using System.Xml.Linq;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtBackupXmlTests
{
    private const string Target = "/var/lib/libvirt/drportal/web01-20261202T080000Z-vda.qcow2";

    [Fact]
    public void Backup_Full_IsPushModeWithTheTargetAndSkippedDisks()
    {
        var root = XElement.Parse(LibvirtBackupXml.Backup([KeyValuePair.Create("vda", Target)], ["vdb"], null));

        Assert.Equal("push", (string?)root.Attribute("mode"));
        Assert.Null(root.Element("incremental"));
        var disks = root.Element("disks")!.Elements("disk").ToList();
        Assert.Equal(["vda", "vdb"], disks.Select(d => (string?)d.Attribute("name")));
        Assert.Equal("yes", (string?)disks[0].Attribute("backup"));
        Assert.Equal(Target, (string?)disks[0].Element("target")!.Attribute("file"));
        Assert.Equal("qcow2", (string?)disks[0].Element("driver")!.Attribute("type"));
        Assert.Equal("no", (string?)disks[1].Attribute("backup"));
    }

    [Fact]
    public void Backup_Incremental_NamesTheBaseCheckpoint()
    {
        var root = XElement.Parse(LibvirtBackupXml.Backup([KeyValuePair.Create("vda", Target)], [], "drportal-20261201T080000Z"));

        Assert.Equal("drportal-20261201T080000Z", root.Element("incremental")!.Value);
    }

    [Fact]
    public void Checkpoint_Disks_GetBitmapsAndSkippedOnesNone()
    {
        var root = XElement.Parse(LibvirtBackupXml.Checkpoint("drportal-20261202T080000Z", "DrPortal restore point web01-20261202T080000Z", ["vda"], ["vdb"]));

        Assert.Equal("domaincheckpoint", root.Name.LocalName);
        Assert.Equal("drportal-20261202T080000Z", root.Element("name")!.Value);
        Assert.Equal(["bitmap", "no"], root.Element("disks")!.Elements("disk").Select(d => (string?)d.Attribute("checkpoint")));
    }

    [Fact]
    public void Backup_MarkupInAPath_IsEscaped()
    {
        var xml = LibvirtBackupXml.Backup([KeyValuePair.Create("vda", "/x'/><disk name='vdz")], [], "a<b");

        var root = XElement.Parse(xml);
        Assert.Single(root.Element("disks")!.Elements("disk"));
        Assert.Equal("a<b", root.Element("incremental")!.Value);
    }

    [Fact]
    public void Targets_OfARunningJobsDocument_AreTheBackedUpDisksFiles()
    {
        // virsh backup-dumpxml of a push-mode job begun with Backup(): libvirt adds its own attributes and elements.
        const string dumped = """
            <domainbackup mode='push'>
              <incremental>drportal-20261201T080000Z</incremental>
              <disks>
                <disk name='vda' backup='yes' type='file' backupmode='incremental' incremental='drportal-20261201T080000Z' state='running'>
                  <driver type='qcow2'/>
                  <target file='/var/lib/libvirt/drportal/web01-20261202T080000Z-vda.qcow2'/>
                </disk>
                <disk name='vdb' backup='no'/>
              </disks>
            </domainbackup>
            """;

        var targets = LibvirtBackupXml.Targets(dumped);

        var target = Assert.Single(targets);
        Assert.Equal("vda", target.Key);
        Assert.Equal(Target, target.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("error: Requested operation is not valid: no job is active on the domain")]
    [InlineData("<domain><disks><disk name='vda'><target file='/x'/></disk></disks></domain>")]
    public void Targets_OfNoJobsDocument_AreNone(string output) => Assert.Empty(LibvirtBackupXml.Targets(output));
}
