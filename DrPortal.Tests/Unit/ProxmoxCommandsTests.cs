using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit;

public class ProxmoxCommandsTests
{
    private const string Archive = "/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst";
    private static readonly VmId Vm100 = VmId.From(100);

    public static TheoryData<string> HostilePaths => new()
    {
        "",
        "relative/dir",
        "/var/lib/vz/my dump",
        "/var/lib/vz/dump'; rm -rf / #",
        "/var/lib/vz/$(id)",
        "/var/lib/vz/`id`",
        "/var/lib/vz/dump\n",
        "/var/lib/vz/dump\nrm -rf /",
        "/var/lib/vz/../../etc",
        "/var/lib/vz/./dump",
        "/var/lib/vz//dump",
        "/var/lib/vz/dump/",
        "/",
        "-rf",
        "/var/lib/vz/dump;reboot",
        "/var/lib/vz/dümp",
        "/var/lib/vz/dump\0",
        "/" + new string('a', 5000),
    };

    [Fact]
    public void Vzdump_Defaults_IsTheDocumentedCommand()
    {
        var command = ProxmoxCommands.Vzdump(Vm100, "/var/lib/vz/dump", BackupCompression.Zstd, BackupMode.Snapshot);

        Assert.Equal("vzdump", command.Program);
        Assert.Equal(["100", "--dumpdir", "/var/lib/vz/dump", "--compress", "zstd", "--mode", "snapshot", "--remove", "0"], command.Arguments);
        Assert.Equal("vzdump 100 --dumpdir /var/lib/vz/dump --compress zstd --mode snapshot --remove 0", ShellQuoting.ToShellLine(command));
    }

    [Theory]
    [InlineData(BackupCompression.None, "0")]
    [InlineData(BackupCompression.Lzo, "lzo")]
    [InlineData(BackupCompression.Gzip, "gzip")]
    [InlineData(BackupCompression.Zstd, "zstd")]
    public void Vzdump_Compression_UsesProxmoxWords(BackupCompression compression, string word) =>
        Assert.Equal(word, After(ProxmoxCommands.Vzdump(Vm100, "/srv/dump", compression, BackupMode.Stop), "--compress"));

    [Theory]
    [InlineData(BackupMode.Snapshot, "snapshot")]
    [InlineData(BackupMode.Suspend, "suspend")]
    [InlineData(BackupMode.Stop, "stop")]
    public void Vzdump_Mode_UsesProxmoxWords(BackupMode mode, string word) =>
        Assert.Equal(word, After(ProxmoxCommands.Vzdump(Vm100, "/srv/dump", BackupCompression.Zstd, mode), "--mode"));

    [Fact]
    public void Vzdump_BandwidthLimit_IsAppendedInKiB()
    {
        var command = ProxmoxCommands.Vzdump(VmId.From(999999999), "/srv/dump", BackupCompression.Lzo, BackupMode.Suspend, 10240);

        Assert.Equal(["999999999", "--dumpdir", "/srv/dump", "--compress", "lzo", "--mode", "suspend", "--remove", "0", "--bwlimit", "10240"], command.Arguments);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MaxValue)]
    public void Vzdump_BadBandwidthLimit_IsRefused(int limit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxmoxCommands.Vzdump(Vm100, "/srv/dump", BackupCompression.Zstd, BackupMode.Snapshot, limit));

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public void Vzdump_HostileStagingDirectory_IsRefused(string dir)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ProxmoxCommands.Vzdump(Vm100, dir, BackupCompression.Zstd, BackupMode.Snapshot));
        Assert.Equal("dumpDirectory", ex.ParamName);
    }

    [Fact]
    public void Vzdump_NullStagingDirectory_IsRefused() =>
        Assert.ThrowsAny<ArgumentException>(() => ProxmoxCommands.Vzdump(Vm100, null!, BackupCompression.Zstd, BackupMode.Snapshot));

    [Fact]
    public void Vzdump_UndefinedEnumValues_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxmoxCommands.Vzdump(Vm100, "/srv/dump", (BackupCompression)42, BackupMode.Snapshot));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxmoxCommands.Vzdump(Vm100, "/srv/dump", BackupCompression.Zstd, (BackupMode)(-1)));
    }

    [Fact]
    public void Qmrestore_Plain_IsArchiveThenVmId()
    {
        var command = ProxmoxCommands.Qmrestore(Archive, VmId.From(500));

        Assert.Equal("qmrestore", command.Program);
        Assert.Equal([Archive, "500"], command.Arguments);
    }

    [Fact]
    public void Qmrestore_ForceAndStorage_AreAppended()
    {
        var command = ProxmoxCommands.Qmrestore(Archive, VmId.From(500), force: true, storage: "local-lvm");

        Assert.Equal([Archive, "500", "--force", "1", "--storage", "local-lvm"], command.Arguments);
        Assert.Equal($"qmrestore {Archive} 500 --force 1 --storage local-lvm", ShellQuoting.ToShellLine(command));
    }

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public void Qmrestore_HostileArchivePath_IsRefused(string path)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ProxmoxCommands.Qmrestore(path, Vm100));
        Assert.Equal("archivePath", ex.ParamName);
    }

    [Theory]
    [InlineData("/var/lib/vz/dump/vzdump-lxc-100-2024_01_31-14_05_09.tar.zst")]
    [InlineData("/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.dat")]
    [InlineData("/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.log")]
    [InlineData("/etc/shadow")]
    [InlineData("/var/lib/vz/dump")]
    public void Qmrestore_NotAQemuArchive_IsRefused(string path) =>
        Assert.ThrowsAny<ArgumentException>(() => ProxmoxCommands.Qmrestore(path, Vm100));

    [Theory]
    [InlineData("")]
    [InlineData("local lvm")]
    [InlineData("1local")]
    [InlineData("-local")]
    [InlineData("local;reboot")]
    [InlineData("local\n")]
    [InlineData("local'")]
    public void Qmrestore_HostileStorage_IsRefused(string storage)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ProxmoxCommands.Qmrestore(Archive, Vm100, storage: storage));
        Assert.Equal("storage", ex.ParamName);
    }

    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    [InlineData("shutdown")]
    [InlineData("status")]
    [InlineData("config")]
    [InlineData("destroy")]
    public void Qm_Verb_TakesOnlyTheVmId(string verb)
    {
        var command = Qm(verb, VmId.From(101));

        Assert.Equal("qm", command.Program);
        Assert.Equal([verb, "101"], command.Arguments);
        Assert.Equal($"qm {verb} 101", ShellQuoting.ToShellLine(command));
    }

    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    [InlineData("shutdown")]
    [InlineData("status")]
    [InlineData("config")]
    [InlineData("destroy")]
    public void Qm_DefaultVmId_IsRefused(string verb) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Qm(verb, default));

    [Fact]
    public void VzdumpAndQmrestore_DefaultVmId_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxmoxCommands.Vzdump(default, "/srv/dump", BackupCompression.Zstd, BackupMode.Snapshot));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProxmoxCommands.Qmrestore(Archive, default));
    }

    private static RemoteCommand Qm(string verb, VmId vmId) => verb switch
    {
        "start" => ProxmoxCommands.QmStart(vmId),
        "stop" => ProxmoxCommands.QmStop(vmId),
        "shutdown" => ProxmoxCommands.QmShutdown(vmId),
        "status" => ProxmoxCommands.QmStatus(vmId),
        "config" => ProxmoxCommands.QmConfig(vmId),
        _ => ProxmoxCommands.QmDestroy(vmId),
    };

    private static string After(RemoteCommand command, string option) =>
        command.Arguments[command.Arguments.ToList().IndexOf(option) + 1];
}
