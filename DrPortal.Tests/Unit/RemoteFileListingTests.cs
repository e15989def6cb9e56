using DrPortal.Infrastructure.Transport;

namespace DrPortal.Tests.Unit;

public class RemoteFileListingTests
{
    [Fact]
    public void Parse_FindOutputWithHostileNames_KeepsEachNameWhole_AndSkipsMalformedEntries()
    {
        // Arrange: what find -printf '%s %T@ %f\0' prints, a name with spaces and a newline, and two broken records.
        const string output = "1048576 1764790000.5000000000 vzdump-qemu-100-2026_12_03-10_00_00.vma.zst\0"
                            + "12 1764790001.0000000000 odd name\nwith newline.log\0"
                            + "garbage\0-5 1.0 negative\0";

        // Act
        var entries = RemoteFileListing.Parse(output);

        // Assert
        Assert.Equal(["vzdump-qemu-100-2026_12_03-10_00_00.vma.zst", "odd name\nwith newline.log"], entries.Select(e => e.Name));
        Assert.Equal(1048576, entries[0].SizeBytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764790000500), entries[0].ModifiedAt);
    }
}
