using System.Text.Json;
using DrPortal.Infrastructure.Hypervisors.Libvirt;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtCommandsTests
{
    private const string Staging = "/var/lib/libvirt/drportal";

    public static TheoryData<string> HostileDomains => new()
    {
        "",
        "a;rm -rf /",
        "$(x)",
        "<x>",
        "'",
        "-rf",
        "web01\n",
        new string('a', 65),
    };

    public static TheoryData<string> HostilePaths => new()
    {
        "",
        "relative/file",
        "/var/lib/my file",
        "/var/lib/x'; rm -rf / #",
        "/var/lib/$(id)",
        "/var/lib/x\n",
        "/var/lib/../../etc/shadow",
        "/var/lib//x",
        "-rf",
        "/var/lib/x,file.driver=nbd",
    };

    [Theory]
    [MemberData(nameof(HostileDomains))]
    public void EveryDomainCommand_HostileDomain_IsRefusedBeforeAnyCommandExists(string domain)
    {
        var builders = new Func<object>[]
        {
            () => LibvirtCommands.DomState(domain),
            () => LibvirtCommands.DomUuid(domain),
            () => LibvirtCommands.DumpXml(domain, inactive: true),
            () => LibvirtCommands.DomBlkInfo(domain),
            () => LibvirtCommands.CheckpointNames(domain),
            () => LibvirtCommands.FsFreeze(domain),
            () => LibvirtCommands.FsThaw(domain),
            () => LibvirtCommands.BackupBegin(domain, Staging, "<domainbackup/>", null),
            () => LibvirtCommands.WaitForJob(domain),
            () => LibvirtCommands.JobInfo(domain),
            () => LibvirtCommands.JobAbort(domain),
            () => LibvirtCommands.SaveDomainXml(domain, Staging + "/x.xml"),
            () => LibvirtCommands.Start(domain),
            () => LibvirtCommands.Destroy(domain),
            () => LibvirtCommands.Undefine(domain, keepNvram: false),
            () => LibvirtCommands.SetLink(domain, "52:54:00:1e:42:a3", up: false),
        };

        Assert.All(builders, build => Assert.ThrowsAny<ArgumentException>(build));
    }

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public void EveryPathCommand_HostilePath_IsRefused(string path)
    {
        var builders = new Func<object>[]
        {
            () => LibvirtCommands.FinishBackupDisk(path, compress: true),
            () => LibvirtCommands.CopyStoppedDisk(path, "qcow2", Staging + "/x.qcow2", compress: false),
            () => LibvirtCommands.CopyStoppedDisk("/var/lib/libvirt/images/x.qcow2", "qcow2", path, compress: false),
            () => LibvirtCommands.CopyFile(path, Staging + "/x.fd"),
            () => LibvirtCommands.MoveFile(path, Staging + "/x"),
            () => LibvirtCommands.RemoveFiles([Staging + "/ok.qcow2", path]),
            () => LibvirtCommands.RebuildDisk([Staging + "/full.qcow2", path], "/var/lib/libvirt/images/x.qcow2"),
            () => LibvirtCommands.RebuildDisk([Staging + "/full.qcow2"], path),
            () => LibvirtCommands.Define(path, "<domain/>"),
            () => LibvirtCommands.BackupBegin("web01", path, "<domainbackup/>", null),
            () => LibvirtCommands.ReadFile(path),
            () => LibvirtCommands.EnsureDirectory(path),
        };

        Assert.All(builders, build => Assert.ThrowsAny<ArgumentException>(build));
    }

    [Fact]
    public void DomState_Domain_IsPassedAsANamedOptionOnTheSystemDaemon()
    {
        var command = LibvirtCommands.DomState("web01");

        Assert.Equal("virsh -c qemu:///system domstate --domain web01", ShellQuoting.ToShellLine(command));
    }

    [Fact]
    public void Undefine_Replacement_KeepsTheNvramForLater()
    {
        Assert.Contains("--keep-nvram", LibvirtCommands.Undefine("web01", keepNvram: true).Arguments);
        Assert.Contains("--nvram", LibvirtCommands.Undefine("web01", keepNvram: false).Arguments);
        Assert.Contains("--checkpoints-metadata", LibvirtCommands.Undefine("web01", keepNvram: false).Arguments);
    }

    [Fact]
    public void BackupBegin_Documents_ArePositionalParametersNeverScriptText()
    {
        var backupXml = LibvirtBackupXml.Backup([KeyValuePair.Create("vda", Staging + "/web01-20261202T080000Z-vda.qcow2")], [], null);

        var command = LibvirtCommands.BackupBegin("web01", Staging, backupXml, "<domaincheckpoint/>");

        Assert.Equal("sh", command.Program);
        Assert.DoesNotContain("web01", command.Arguments[1], StringComparison.Ordinal);
        Assert.Equal(["drportal", "web01", Staging, backupXml, "<domaincheckpoint/>"], command.Arguments.Skip(2));
    }

    [Theory]
    [InlineData("drportal-20261202T080000Z; reboot")]
    [InlineData("somebody-elses")]
    [InlineData("")]
    public void CheckpointDelete_NotAPortalCheckpoint_IsRefused(string checkpoint) =>
        Assert.Throws<ArgumentException>(() => LibvirtCommands.CheckpointDelete("web01", checkpoint));

    [Theory]
    [InlineData("52:54:00:1e:42:a3; reboot")]
    [InlineData("52:54:00:1e:42")]
    [InlineData("--config")]
    public void SetLink_NotAMac_IsRefused(string mac) =>
        Assert.Throws<ArgumentException>(() => LibvirtCommands.SetLink("web01", mac, up: true));

    [Fact]
    public void SetLink_Mac_ChangesThePersistentDefinition() =>
        Assert.Equal(
            "virsh -c qemu:///system domif-setlink --domain web01 --interface 52:54:00:1e:42:a3 --state down --config",
            ShellQuoting.ToShellLine(LibvirtCommands.SetLink("web01", "52:54:00:1e:42:a3", up: false)));

    [Fact]
    public void RebuildDisk_OneFile_ConvertsItAsQcow2()
    {
        var command = LibvirtCommands.RebuildDisk([Staging + "/full.qcow2"], "/var/lib/libvirt/images/t.qcow2");

        Assert.Equal(["convert", "-f", "qcow2", "-O", "qcow2", Staging + "/full.qcow2", "/var/lib/libvirt/images/t.qcow2"], command.Arguments);
    }

    [Fact]
    public void RebuildDisk_Chain_ReadsTheNewestOnTopOfTheOlderOnes()
    {
        var command = LibvirtCommands.RebuildDisk([Staging + "/full.qcow2", Staging + "/inc1.qcow2", Staging + "/inc2.qcow2"], "/var/lib/libvirt/images/t.qcow2");

        var spec = command.Arguments[3];
        Assert.StartsWith("json:", spec, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(spec["json:".Length..]);
        var top = json.RootElement;
        Assert.Equal(Staging + "/inc2.qcow2", top.GetProperty("file").GetProperty("filename").GetString());
        var middle = top.GetProperty("backing");
        Assert.Equal(Staging + "/inc1.qcow2", middle.GetProperty("file").GetProperty("filename").GetString());
        var bottom = middle.GetProperty("backing");
        Assert.Equal(Staging + "/full.qcow2", bottom.GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal(JsonValueKind.Null, bottom.GetProperty("backing").ValueKind);
    }

    [Fact]
    public void FinishBackupDisk_Compress_ReadsTheFileOverABlankBacking()
    {
        var command = LibvirtCommands.FinishBackupDisk(Staging + "/web01-20261202T080000Z-vda.qcow2", compress: true);

        Assert.Equal("1", command.Arguments[4]);
        Assert.Contains("\"filename\":\"" + Staging + "/web01-20261202T080000Z-vda.qcow2.blank\"", command.Arguments[5], StringComparison.Ordinal);
        Assert.Equal(Staging + "/web01-20261202T080000Z-vda.qcow2.blank", command.Arguments[6]);
    }

    [Fact]
    public void CopyStoppedDisk_UnknownFormat_IsRefused() =>
        Assert.Throws<ArgumentException>(() => LibvirtCommands.CopyStoppedDisk("/a/b.img", "vmdk -o x", "/a/c.qcow2", compress: false));

    [Fact]
    public void RemoveFiles_NoPath_IsRefused() => Assert.Throws<ArgumentException>(() => LibvirtCommands.RemoveFiles([]));
}
