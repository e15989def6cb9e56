using DrPortal.Core.Hosts;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class ProxmoxVmConfigTests
{
    private const string Config = """
        boot: order=scsi0
        cores: 2
        meta: creation-qemu=8.1.5,ctime=1732530000
        name: web01
        net0: virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,firewall=1
        net1: e1000=BC:24:11:0A:1B:2C,bridge=vmbr1,firewall=0,link_down=1,mtu=1500,queues=4,rate=12.5,tag=20,trunks=10;20-30
        smbios1: uuid=6F1C7E0A-1B2C-4D5E-8F90-A1B2C3D4E5F6
        vmgenid: 3D4E5F60-7A8B-4C9D-8E0F-1A2B3C4D5E6F
        """;

    [Fact]
    public void Identity_IsTheVmgenid_InLowerCase()
    {
        Assert.Equal("vmgenid:3d4e5f60-7a8b-4c9d-8e0f-1a2b3c4d5e6f", ProxmoxVmConfig.Parse(Config).Identity);
    }

    [Fact]
    public void Identity_WithoutVmgenid_FallsBackToTheSmbiosUuid_AndWithNeitherIsNull()
    {
        Assert.Equal("smbios1:6f1c7e0a-1b2c-4d5e-8f90-a1b2c3d4e5f6", ProxmoxVmConfig.Parse(Config.Replace("vmgenid: 3D4E5F60-7A8B-4C9D-8E0F-1A2B3C4D5E6F", "vmgenid: 0")).Identity);
        Assert.Null(ProxmoxVmConfig.Parse("name: bare\ncores: 1\n").Identity);
    }

    [Fact]
    public void Nics_AreParsedInIndexOrder_WithModelMacAndOptions()
    {
        var nics = ProxmoxVmConfig.Parse(Config).Nics;

        Assert.Equal([0, 1], nics.Select(n => n.Index));
        Assert.Equal(("virtio", "BC:24:11:2A:3B:4C", false), (nics[0].Nic.Model, nics[0].Nic.Mac, nics[0].Nic.LinkDown));
        Assert.True(nics[1].Nic.LinkDown);
        Assert.Equal("10;20-30", nics[1].Nic.Options["trunks"]);
    }

    [Fact]
    public void WithLinkDown_KeepsTheMac_AndWritesKeysInQemuServersOrder()
    {
        var nic = ProxmoxNic.Parse("model=virtio,macaddr=bc:24:11:2a:3b:4c,firewall=1,bridge=vmbr0");

        Assert.Equal("virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,firewall=1,link_down=1", nic.WithLinkDown(true).ToString());
        Assert.Equal("virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,firewall=1", nic.WithLinkDown(true).WithLinkDown(false).ToString());
    }

    [Theory]
    [InlineData("virtio,bridge=vmbr0")]
    [InlineData("bridge=vmbr0")]
    [InlineData("madeup=BC:24:11:2A:3B:4C")]
    [InlineData("virtio=not-a-mac")]
    public void Parse_ANicWithoutModelOrMac_IsRefused(string value)
    {
        Assert.Throws<FormatException>(() => ProxmoxNic.Parse(value));
    }

    [Theory]
    [InlineData("bridge", "vmbr0; rm -rf /")]
    [InlineData("bridge", "$(reboot)")]
    [InlineData("bri dge", "vmbr0")]
    [InlineData("tag", "1\n--delete net0")]
    public void QmSetNet_HostileValuesFromAConfig_AreRefused(string key, string value)
    {
        var nic = new ProxmoxNic("virtio", "BC:24:11:2A:3B:4C", new Dictionary<string, string> { [key] = value });

        Assert.Throws<ArgumentException>(() => ProxmoxCommands.QmSetNet(VmId.From(9100), 0, nic));
    }

    [Fact]
    public void QmSetNet_BuildsOneArgumentPerPart()
    {
        var command = ProxmoxCommands.QmSetNet(VmId.From(9100), 1, ProxmoxNic.Parse("e1000=BC:24:11:0A:1B:2C,bridge=vmbr1,link_down=1"));

        Assert.Equal(["set", "9100", "--net1", "e1000=BC:24:11:0A:1B:2C,bridge=vmbr1,link_down=1"], command.Arguments);
    }
}
