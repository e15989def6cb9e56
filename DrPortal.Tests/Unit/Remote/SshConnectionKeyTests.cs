using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit.Remote;

public class SshConnectionKeyTests
{
    private static readonly HostKey Pinned = new("ssh-ed25519", [1, 2, 3, 4]);

    private sealed class StaticPortalKey(string path, string line) : IPortalKey
    {
        public string PrivateKeyPath => path;

        public string PublicKeyLine => line;
    }

    private static readonly IPortalKey Portal = new StaticPortalKey("/data/ssh/id_ed25519", "ssh-ed25519 AAAAportal drportal@a");

    private static SshConnectionKey KeyOf(SshEndpoint endpoint, IPortalKey? portal = null) => SshConnectionKey.For(endpoint, portal ?? Portal)!;

    [Fact]
    public void For_TheSameEndpointAndPortalKey_IsEqual()
    {
        var a = KeyOf(new SshEndpoint("10.250.0.11", 22, "root", Pinned));
        var b = KeyOf(new SshEndpoint("10.250.0.11", 22, "root", new HostKey("ssh-ed25519", [1, 2, 3, 4])));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    public static TheoryData<SshEndpoint> OtherEndpoints => new()
    {
        new SshEndpoint("10.250.0.12", 22, "root", Pinned),
        new SshEndpoint("10.250.0.11", 2222, "root", Pinned),
        new SshEndpoint("10.250.0.11", 22, "backup", Pinned),
        // Re-pinned: another key of the same type, or the same bytes under another algorithm.
        new SshEndpoint("10.250.0.11", 22, "root", new HostKey("ssh-ed25519", [1, 2, 3, 5])),
        new SshEndpoint("10.250.0.11", 22, "root", new HostKey("ecdsa-sha2-nistp256", [1, 2, 3, 4])),
    };

    [Theory]
    [MemberData(nameof(OtherEndpoints))]
    public void For_AnotherAddressPortUserOrPinnedKey_IsNotEqual(SshEndpoint other)
    {
        var original = KeyOf(new SshEndpoint("10.250.0.11", 22, "root", Pinned));

        Assert.NotEqual(original, KeyOf(other));
    }

    [Fact]
    public void For_ANewPortalKey_IsNotEqual()
    {
        var endpoint = new SshEndpoint("10.250.0.11", 22, "root", Pinned);

        Assert.NotEqual(KeyOf(endpoint), KeyOf(endpoint, new StaticPortalKey("/data/ssh/id_ed25519", "ssh-ed25519 AAAAnewer drportal@a")));
        Assert.NotEqual(KeyOf(endpoint), KeyOf(endpoint, new StaticPortalKey("/other/ssh/id_ed25519", "ssh-ed25519 AAAAportal drportal@a")));
    }

    [Fact]
    public void For_NoPinnedKey_IsNull_SoSuchALoginIsNeverPooled()
    {
        Assert.Null(SshConnectionKey.For(new SshEndpoint("10.250.0.11", 22, "root", null), Portal));
    }

    [Fact]
    public void ToString_NamesTheHost_WithoutThePortalKey()
    {
        var text = KeyOf(new SshEndpoint("10.250.0.11", 22, "root", Pinned)).ToString();

        Assert.Equal("root@10.250.0.11:22 (ssh-ed25519)", text);
    }
}
