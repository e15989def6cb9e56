using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class VzdumpArchiveNameTests
{
    [Fact]
    public void TryParse_ReferenceName_GivesVmIdTimestampAndCompression()
    {
        Assert.True(VzdumpArchiveName.TryParse("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", out var name));

        Assert.Equal(VzdumpGuestType.Qemu, name.GuestType);
        Assert.Equal(100, name.VmId.Value);
        Assert.Equal(new DateTime(2024, 1, 31, 14, 5, 9), name.Timestamp);
        Assert.Equal(DateTimeKind.Unspecified, name.Timestamp.Kind);
        Assert.Equal("vma", name.Format);
        Assert.Equal(ArchiveCompression.Zstd, name.Compression);
        Assert.Equal("vzdump-qemu-100-2024_01_31-14_05_09.log", name.LogFileName);
        Assert.Equal("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst.notes", name.NotesFileName);
        Assert.Equal("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst.protected", name.ProtectedMarkerFileName);
        Assert.Equal("vzdump-qemu-100-2024_01_31-14_05_09.vma.dat", name.InProgressFileName);
    }

    [Theory]
    [InlineData("vzdump-qemu-500-2023_09_05-15_29_11.vma", ArchiveCompression.None, "vzdump-qemu-500-2023_09_05-15_29_11.dat")]
    [InlineData("vzdump-qemu-500-2023_09_05-15_29_11.vma.lzo", ArchiveCompression.Lzo, "vzdump-qemu-500-2023_09_05-15_29_11.vma.dat")]
    [InlineData("vzdump-qemu-500-2023_09_05-15_29_11.vma.gz", ArchiveCompression.Gzip, "vzdump-qemu-500-2023_09_05-15_29_11.vma.dat")]
    [InlineData("vzdump-lxc-999999999-2023_09_05-15_29_11.tar.bz2", ArchiveCompression.Bzip2, "vzdump-lxc-999999999-2023_09_05-15_29_11.tar.dat")]
    [InlineData("vzdump-openvz-101-2012_02_29-00_00_00.tar.gz", ArchiveCompression.Gzip, "vzdump-openvz-101-2012_02_29-00_00_00.tar.dat")]
    public void TryParse_EveryExtension_IsRead(string file, ArchiveCompression compression, string inProgress)
    {
        Assert.True(VzdumpArchiveName.TryParse(file, out var name));

        Assert.Equal(compression, name.Compression);
        Assert.Equal(inProgress, name.InProgressFileName);
        Assert.Equal(file[..file.IndexOf('.', StringComparison.Ordinal)] + ".log", name.LogFileName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.xz")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.log")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.dat")]
    [InlineData("vzdump-qemu-99-2024_01_31-14_05_09.vma")]
    [InlineData("vzdump-qemu-0100-2024_01_31-14_05_09.vma")]
    [InlineData("vzdump-qemu-1000000000-2024_01_31-14_05_09.vma")]
    [InlineData("vzdump-kvm-100-2024_01_31-14_05_09.vma")]
    [InlineData("vzdump-qemu-100-2024_13_31-14_05_09.vma")]
    [InlineData("vzdump-qemu-100-2024_02_30-14_05_09.vma")]
    [InlineData("vzdump-qemu-100-2024_01_31-24_05_09.vma")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma\n")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst\nrm -rf /")]
    [InlineData(" vzdump-qemu-100-2024_01_31-14_05_09.vma")]
    [InlineData("../vzdump-qemu-100-2024_01_31-14_05_09.vma")]
    [InlineData("vzdump-qemu-١٠٠-2024_01_31-14_05_09.vma")]
    [InlineData("VZDUMP-QEMU-100-2024_01_31-14_05_09.VMA")]
    public void TryParse_NotAnArchiveName_IsRefused(string? file) =>
        Assert.False(VzdumpArchiveName.TryParse(file, out _), $"'{file}' should be refused");

    [Fact]
    public void TryParsePath_FullPath_ReadsTheFileName()
    {
        Assert.True(VzdumpArchiveName.TryParsePath("/var/lib/vz/dump/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", out var name));

        Assert.Equal("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", name.FileName);
    }

    [Theory]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.dat", BackupCompression.Zstd, "vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.dat", BackupCompression.None, "vzdump-qemu-100-2024_01_31-14_05_09.vma")]
    [InlineData("vzdump-lxc-100-2024_01_31-14_05_09.dat", BackupCompression.None, "vzdump-lxc-100-2024_01_31-14_05_09.tar")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.dat", BackupCompression.None, null)]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.dat", BackupCompression.Zstd, null)]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst", BackupCompression.Zstd, null)]
    [InlineData("evil name.dat", BackupCompression.None, null)]
    public void FinalFileName_InProgressName_UndoesDat(string inProgress, BackupCompression compression, string? expected) =>
        Assert.Equal(expected, VzdumpArchiveName.FinalFileName(inProgress, compression));
}
