namespace DrPortal.Tests.Unit.Libvirt;

/// <summary>
/// Network output of a lab libvirt host (iproute2 6.1, libvirt 9.0.0): <c>ip -d -j link show</c> with br0 (its
/// uplink0 port and a domain's tap vnet0) and br-drill (only a tap), trimmed to the fields the parser reads; and
/// <c>virsh net-dumpxml</c> of libvirt's stock NAT network and of an isolated one.
/// </summary>
internal static class LibvirtNetworkSamples
{
    public const string IpLinks = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"operstate":"DOWN","link_type":"loopback","address":"00:00:00:00:00:00"},{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","address":"5a:9a:a3:83:9c:0c","linkinfo":{"info_kind":"bridge"}},{"ifindex":3,"ifname":"br-drill","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"operstate":"DOWN","link_type":"ether","address":"c2:a9:a3:0c:7e:83","linkinfo":{"info_kind":"bridge"}},{"ifindex":4,"link":"uplink0","ifname":"uplink0p","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","address":"d2:2a:bd:4b:c6:72","linkinfo":{"info_kind":"veth"}},{"ifindex":5,"link":"uplink0p","ifname":"uplink0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"master":"br0","operstate":"UP","link_type":"ether","address":"76:74:fc:68:8e:c3","linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"}},{"ifindex":6,"ifname":"vnet0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"master":"br0","operstate":"DOWN","link_type":"ether","address":"5a:9a:a3:83:9c:0c","linkinfo":{"info_kind":"tun","info_slave_kind":"bridge"}},{"ifindex":7,"ifname":"vnet1","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"master":"br-drill","operstate":"DOWN","link_type":"ether","address":"c2:a9:a3:0c:7e:83","linkinfo":{"info_kind":"tun","info_slave_kind":"bridge"}}]
        """;

    public const string DefaultNetworkXml = """
        <network>
          <name>default</name>
          <uuid>6d7b5f52-87b2-4c39-9f53-8cb4f1a2d0a1</uuid>
          <forward mode='nat'>
            <nat>
              <port start='1024' end='65535'/>
            </nat>
          </forward>
          <bridge name='virbr0' stp='on' delay='0'/>
          <mac address='52:54:00:3b:9e:11'/>
          <ip address='192.168.122.1' netmask='255.255.255.0'>
            <dhcp>
              <range start='192.168.122.2' end='192.168.122.254'/>
            </dhcp>
          </ip>
        </network>
        """;

    public const string IsolatedNetworkXml = """
        <network>
          <name>drill-net</name>
          <uuid>0b9d7a14-3c55-4a8e-bb52-2f36d0c8e9a7</uuid>
          <bridge name='virbr1' stp='on' delay='0'/>
          <mac address='52:54:00:8c:02:6d'/>
        </network>
        """;

    public const string OvsNetworkXml = """
        <network>
          <name>ovs-vlans</name>
          <uuid>9c6e3f37-f2b9-447d-a62f-a06e31e7e4f3</uuid>
          <forward mode='bridge'/>
          <bridge name='ovsbr0'/>
          <virtualport type='openvswitch'/>
        </network>
        """;

    /// <summary>The network script's whole output on a lab host: links, no libvirt network.</summary>
    public static string LabOutput => "@links\n" + IpLinks + "\n@networks\n\n@active\n@end\n";

    /// <summary>With libvirt networks: default (active, NAT on virbr0), drill-net (inactive, isolated), ovs-vlans (active).</summary>
    public static string WithNetworksOutput =>
        "@links\n" + IpLinks + "\n@networks\ndefault\ndrill-net\novs-vlans\n\n@active\ndefault\novs-vlans\n\n" +
        "@net default\n" + DefaultNetworkXml + "\n@net drill-net\n" + IsolatedNetworkXml + "\n@net ovs-vlans\n" + OvsNetworkXml + "\n@end\n";

    /// <summary>The inactive definition of a lab --boot --agent domain (virsh dumpxml --inactive on kvm-dr1), one NIC on br0.</summary>
    public const string BootDomainXml = """
        <domain type='qemu'>
          <name>n12-sample</name>
          <uuid>1879658e-952b-4d2b-bc91-8f867593d9eb</uuid>
          <memory unit='KiB'>131072</memory>
          <currentMemory unit='KiB'>131072</currentMemory>
          <vcpu placement='static'>1</vcpu>
          <os>
            <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
            <kernel>/usr/local/lib/drlab-guest/vmlinuz</kernel>
            <initrd>/usr/local/lib/drlab-guest/initrd.img</initrd>
            <cmdline>console=ttyS0 panic=1 loglevel=4</cmdline>
            <boot dev='hd'/>
          </os>
          <features>
            <acpi/>
          </features>
          <cpu mode='custom' match='exact' check='none'>
            <model fallback='forbid'>qemu64</model>
          </cpu>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>destroy</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='/var/lib/libvirt/images/n12-sample-vda.qcow2'/>
              <target dev='vda' bus='virtio'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
            </disk>
            <controller type='usb' index='0' model='piix3-uhci'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
            </controller>
            <controller type='pci' index='0' model='pci-root'/>
            <controller type='virtio-serial' index='0'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
            </controller>
            <interface type='bridge'>
              <mac address='52:54:00:76:b2:9a'/>
              <source bridge='br0'/>
              <model type='virtio'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
            </interface>
            <serial type='file'>
              <source path='/var/log/libvirt/qemu/n12-sample-serial.log'/>
              <target type='isa-serial' port='0'>
                <model name='isa-serial'/>
              </target>
            </serial>
            <console type='file'>
              <source path='/var/log/libvirt/qemu/n12-sample-serial.log'/>
              <target type='serial' port='0'/>
            </console>
            <channel type='unix'>
              <target type='virtio' name='org.qemu.guest_agent.0'/>
              <address type='virtio-serial' controller='0' bus='0' port='1'/>
            </channel>
            <input type='mouse' bus='ps2'/>
            <input type='keyboard' bus='ps2'/>
            <audio id='1' type='none'/>
            <memballoon model='virtio'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
            </memballoon>
          </devices>
        </domain>
        """;

    /// <summary>A domain with three NICs: a network NIC with a VLAN and its link down, an OVS bridge NIC, a user-mode NIC.</summary>
    public const string ThreeNicXml = """
        <domain type='kvm'>
          <name>web01</name>
          <uuid>f06b5c6e-4996-4f01-8e9b-0c7f38d40a40</uuid>
          <memory unit='KiB'>524288</memory>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          <devices>
            <interface type='network'>
              <mac address='52:54:00:aa:bb:01'/>
              <source network='ovs-vlans'/>
              <vlan><tag id='42'/></vlan>
              <link state='down'/>
              <model type='e1000'/>
            </interface>
            <interface type='bridge'>
              <mac address='52:54:00:aa:bb:02'/>
              <source bridge='ovsbr0'/>
              <virtualport type='openvswitch'/>
              <target dev='vnet7'/>
              <model type='virtio'/>
            </interface>
            <interface type='user'>
              <mac address='52:54:00:aa:bb:03'/>
            </interface>
          </devices>
        </domain>
        """;
}
