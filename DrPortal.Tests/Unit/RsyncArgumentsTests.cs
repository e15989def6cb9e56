using System.Diagnostics;
using System.Security.Cryptography;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Tests.Unit;

public class RsyncArgumentsTests
{
    private const string RemoteFile = "/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst";
    private const string LocalFile = "/srv/drportal/repository/pve-dc1/100/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst";
    private static readonly HostKey Pinned = new("ssh-ed25519", [1, 2, 3]);
    private static readonly SshEndpoint Dc1 = new("10.250.0.11", 22, "root", Pinned);

    private static readonly RsyncOptions Options = new()
    {
        PrivateKeyPath = "/srv/drportal/ssh/id_ed25519",
        KnownHostsPath = "/srv/drportal/ssh/known_hosts",
    };

    private const string ExpectedSsh =
        "ssh -F none -i /srv/drportal/ssh/id_ed25519 -p 22 -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes " +
        "-o UserKnownHostsFile=/srv/drportal/ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no " +
        "-o ConnectTimeout=15 -o ServerAliveInterval=15 -o ServerAliveCountMax=4 " +
        "-o Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr " +
        "-o Compression=no";

    [Fact]
    public void SshCommand_Ciphers_ReorderOpenSshsDefaultsOnly()
    {
        // A reordering, never a narrowing: a host that offers only OpenSSH's defaults must still agree on one.
        string[] openSshDefaults = ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"];

        var listed = RsyncArguments.CipherPreference.Split(',');

        Assert.Equal(openSshDefaults.Order(), listed.Order());
        Assert.Equal("aes128-gcm@openssh.com", listed[0]);
    }

    [Fact]
    public void Push_Defaults_IsTheDocumentedArgumentList()
    {
        var arguments = RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options);

        Assert.Equal(
        [
            "--partial-dir=.rsync-partial", "--times", "-s", "--info=progress2", "--timeout=600",
            "-e", ExpectedSsh,
            "--", LocalFile, $"root@10.250.0.11:{RemoteFile}",
        ], arguments);
    }

    [Fact]
    public void Push_WithLimitAndPort_PutsLocalFileFirst()
    {
        var target = new SshEndpoint("pve-dr1.lab", 2222, "root", Pinned);

        var arguments = RsyncArguments.Push(LocalFile, target, RemoteFile, Options with
        {
            BandwidthLimitKiBps = 5120,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            IoTimeout = TimeSpan.FromSeconds(90),
        });

        Assert.Contains("--bwlimit=5120", arguments);
        Assert.Contains("--timeout=90", arguments);
        Assert.Contains("-p 2222 ", arguments[arguments.ToList().IndexOf("-e") + 1], StringComparison.Ordinal);
        Assert.Contains("-o ConnectTimeout=5 ", arguments[arguments.ToList().IndexOf("-e") + 1], StringComparison.Ordinal);
        Assert.Equal(["--", LocalFile, $"root@pve-dr1.lab:{RemoteFile}"], arguments.TakeLast(3));
    }

    [Fact]
    public void Push_NeverUsesInplaceOrPlainPartial()
    {
        var arguments = RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options);

        Assert.DoesNotContain("--inplace", arguments);
        Assert.DoesNotContain("--partial", arguments);
        Assert.DoesNotContain("--append", arguments);
        Assert.DoesNotContain("-h", arguments);
    }

    [Theory]
    [InlineData("fd00::11", "root@[fd00::11]:/var/lib/vz/dump/x.vma")]
    [InlineData("::1", "root@[::1]:/var/lib/vz/dump/x.vma")]
    [InlineData("10.250.0.21", "root@10.250.0.21:/var/lib/vz/dump/x.vma")]
    [InlineData("pve-dr1.example.org", "root@pve-dr1.example.org:/var/lib/vz/dump/x.vma")]
    public void RemoteSpec_Address_IsBracketedWhenIpv6(string address, string expected) =>
        Assert.Equal(expected, RsyncArguments.RemoteSpec(Dc1 with { Address = address }, "/var/lib/vz/dump/x.vma"));

    public static TheoryData<SshEndpoint> HostileEndpoints => new()
    {
        new SshEndpoint("10.250.0.11 -oProxyCommand=sh", 22, "root", Pinned),
        new SshEndpoint("-oProxyCommand=sh", 22, "root", Pinned),
        new SshEndpoint("[fd00::11]", 22, "root", Pinned),
        new SshEndpoint("fe80::1%eth0", 22, "root", Pinned),
        new SshEndpoint("pve1\n", 22, "root", Pinned),
        new SshEndpoint("", 22, "root", Pinned),
        new SshEndpoint("10.250.0.11", 0, "root", Pinned),
        new SshEndpoint("10.250.0.11", 65536, "root", Pinned),
        new SshEndpoint("10.250.0.11", 22, "root@evil", Pinned),
        new SshEndpoint("10.250.0.11", 22, "-oProxyCommand=sh", Pinned),
        new SshEndpoint("10.250.0.11", 22, "root x", Pinned),
        new SshEndpoint("10.250.0.11", 22, "root\n", Pinned),
        new SshEndpoint("10.250.0.11", 22, "", Pinned),
        new SshEndpoint("10.250.0.11", 22, "root", null),
    };

    [Theory]
    [MemberData(nameof(HostileEndpoints))]
    public void Push_HostileEndpoint_IsRefused(SshEndpoint endpoint)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(LocalFile, endpoint, RemoteFile, Options));
        Assert.Equal("endpoint", ex.ParamName);
    }

    [Fact]
    public void Push_UnpinnedHost_SaysWhy()
    {
        var ex = Assert.Throws<ArgumentException>(() => RsyncArguments.Push(LocalFile, Dc1 with { PinnedHostKey = null }, RemoteFile, Options));
        Assert.Contains("not pinned", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ProxmoxCommandsTests.HostilePaths), MemberType = typeof(ProxmoxCommandsTests))]
    public void Push_HostilePaths_AreRefused(string path)
    {
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(path, Dc1, RemoteFile, Options));
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(LocalFile, Dc1, path, Options));
    }

    [Theory]
    [InlineData("/srv/dr portal/ssh/id_ed25519", "/srv/drportal/ssh/known_hosts")]
    [InlineData("/srv/drportal/ssh/id_ed25519", "/srv/drportal/ssh/known hosts")]
    [InlineData("ssh/id_ed25519", "/srv/drportal/ssh/known_hosts")]
    [InlineData("/srv/drportal/ssh/id_ed25519", "/srv/drportal/ssh/'known_hosts")]
    public void Push_UnsafeKeyOrKnownHostsPath_IsRefused(string key, string knownHosts) =>
        Assert.ThrowsAny<ArgumentException>(() =>
            RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options with { PrivateKeyPath = key, KnownHostsPath = knownHosts }));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Push_BadBandwidthLimit_IsRefused(int limit) =>
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options with { BandwidthLimitKiBps = limit }));

    [Fact]
    public void Push_BadTimeouts_AreRefused()
    {
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options with { IoTimeout = TimeSpan.Zero }));
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options with { ConnectTimeout = TimeSpan.FromDays(2) }));
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.Push(LocalFile, Dc1, RemoteFile, Options with { ServerAliveInterval = TimeSpan.FromMilliseconds(10) }));
    }

    [Fact]
    public void PartialFilePath_IsInTheHiddenDirectoryBesideTheDestination() =>
        Assert.Equal("/srv/drportal/repository/pve-dc1/100/.rsync-partial/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst",
            RsyncArguments.PartialFilePath(LocalFile));

    [Fact]
    public void PartialFilePath_HostilePath_IsRefused() =>
        Assert.ThrowsAny<ArgumentException>(() => RsyncArguments.PartialFilePath("/srv/../etc/passwd"));

    [Fact]
    public void Push_ThroughRealRsync_SshSeesNoPathAndTheFileArrivesWhole()
    {
        // A stand-in for ssh records what rsync asked of it and runs the "remote" side locally, so the
        // real rsync reads exactly the arguments built above (with "ssh" swapped for the stand-in).
        using var lab = new FakeSshLab();
        var data = RandomNumberGenerator.GetBytes(300_000);
        File.WriteAllBytes(lab.LocalFile, data);
        var arguments = lab.WithFakeSsh(RsyncArguments.Push(lab.LocalFile, Dc1 with { Address = "fd00::11" }, lab.RemoteFile, lab.Options));

        var (exit, stdout, stderr) = Run(arguments);

        Assert.True(exit == 0, $"rsync exit {exit}: {stderr}");
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(File.ReadAllBytes(lab.RemoteFile)));
        Assert.False(Directory.Exists(Path.Combine(lab.Directory, "remote", RsyncArguments.PartialDirectoryName)));
        var sshArgv = File.ReadAllLines(lab.ArgvFile);
        Assert.Equal(["-l", "root", "fd00::11"], sshArgv.SkipWhile(a => a != "-l").Take(3));
        // With -s the file name travels inside the rsync protocol, never on the remote shell's command line.
        Assert.DoesNotContain(sshArgv, a => a.Contains("vzdump", StringComparison.Ordinal));
        var progress = new RsyncProgressParser();
        Assert.Contains(progress.Feed(stdout).Concat(progress.Complete()), u => u.FileCompleted && u.BytesDone == data.Length);
    }

    [Fact]
    public void Push_ThroughRealRsync_ResumesFromThePartialFile()
    {
        using var lab = new FakeSshLab();
        var data = RandomNumberGenerator.GetBytes(2_000_000);
        File.WriteAllBytes(lab.LocalFile, data);
        // What a cut transfer leaves behind on the host: the first half, in the partial directory, not under the real name.
        var partial = Path.Combine(lab.Directory, "remote", RsyncArguments.PartialDirectoryName, Path.GetFileName(lab.RemoteFile));
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        File.WriteAllBytes(partial, data[..1_000_000]);
        var arguments = lab.WithFakeSsh(RsyncArguments.Push(lab.LocalFile, Dc1, lab.RemoteFile, lab.Options));

        var (exit, stdout, stderr) = Run(["--stats", .. arguments]);

        Assert.True(exit == 0, $"rsync exit {exit}: {stderr}");
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(File.ReadAllBytes(lab.RemoteFile)));
        Assert.False(File.Exists(partial));
        var matched = stdout.Split('\n').Single(l => l.StartsWith("Matched data:", StringComparison.Ordinal));
        Assert.NotEqual("Matched data: 0 bytes", matched.Trim());
    }

    private static (int Exit, string Stdout, string Stderr) Run(IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo(RsyncArguments.Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    private sealed class FakeSshLab : IDisposable
    {
        private const string Script =
            """
            #!/bin/sh
            printf '%s\n' "$@" > "$(dirname "$0")/ssh-argv.txt"
            while [ $# -gt 0 ]; do
              case "$1" in
                -F|-i|-p|-o|-l) shift 2 ;;
                -*) shift ;;
                *) break ;;
              esac
            done
            shift
            exec sh -c "$*"
            """;

        public FakeSshLab()
        {
            Directory = Path.Combine(Path.GetTempPath(), "drportal-rsync-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "remote"));
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "local"));
            FakeSsh = Path.Combine(Directory, "fakessh");
            File.WriteAllText(FakeSsh, Script);
            File.SetUnixFileMode(FakeSsh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Options = new RsyncOptions { PrivateKeyPath = Path.Combine(Directory, "key"), KnownHostsPath = Path.Combine(Directory, "known_hosts") };
        }

        public string Directory { get; }

        public string FakeSsh { get; }

        public RsyncOptions Options { get; }

        public string ArgvFile => Path.Combine(Directory, "ssh-argv.txt");

        public string RemoteFile => Path.Combine(Directory, "remote", "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst");

        public string LocalFile => Path.Combine(Directory, "local", "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst");

        public List<string> WithFakeSsh(IReadOnlyList<string> arguments)
        {
            var list = arguments.ToList();
            var e = list.IndexOf("-e") + 1;
            Assert.StartsWith("ssh ", list[e], StringComparison.Ordinal);
            list[e] = FakeSsh + list[e]["ssh".Length..];
            return list;
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
