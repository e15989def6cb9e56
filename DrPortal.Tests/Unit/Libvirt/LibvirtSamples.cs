namespace DrPortal.Tests.Unit.Libvirt;

/// <summary>Output of libvirt 9.0.0 / QEMU 7.2.22 captured on the lab host kvm-dc1 (domain lvsample, 64 MiB disk).</summary>
internal static class LibvirtSamples
{
    public const string Version = """
        Compiled against library: libvirt 9.0.0
        Using library: libvirt 9.0.0
        Using API: QEMU 9.0.0
        Running hypervisor: QEMU 7.2.22

        """;

    public const string JobNone = "Job type:         None        \n\n";

    public const string JobCompletedFull = """
        Job type:         Completed   
        Operation:        Backup      
        Time elapsed:     233          ms
        File processed:   64.000 MiB
        File remaining:   0.000 B
        File total:       64.000 MiB

        """;

    public const string JobCompletedIncremental = """
        Job type:         Completed   
        Operation:        Backup      
        Time elapsed:     66           ms
        File processed:   640.000 KiB
        File remaining:   0.000 B
        File total:       640.000 KiB

        """;

    /// <summary>A running backup as virsh prints it (same layout as the completed one; figures of a 64 MiB disk a third through).</summary>
    public const string JobRunning = """
        Job type:         Unbounded   
        Operation:        Backup      
        Time elapsed:     120          ms
        File processed:   21.500 MiB
        File remaining:   42.500 MiB
        File total:       64.000 MiB

        """;

    public const string BlkInfo = """
         Target   Capacity   Allocation   Physical
        --------------------------------------------
         vda      67108864   33824768     33882112

        """;

    public const string CheckpointNames = "drportal-20261202T080000Z\ndrportal-20261202T080100Z\n\n";

    /// <summary>The inventory script's output: one running domain, one stopped.</summary>
    public const string Inventory = """
        @domain lvsample
        Id:             1
        Name:           lvsample
        UUID:           f06b5c6e-4996-4f01-8e9b-0c7f38d40a40
        OS Type:        hvm
        State:          running
        CPU(s):         1
        CPU time:       1.5s
        Max memory:     32768 KiB
        Used memory:    32768 KiB
        Persistent:     yes
        Autostart:      disable
        Managed save:   no
        Security model: none
        Security DOI:   0
        Messages:       tainted: custom monitor control commands issued
                        tainted: running with undesirable elevated privileges

        @blk
         Target   Capacity   Allocation   Physical
        --------------------------------------------
         vda      67108864   34021376     34078720

        @pid
        10546
        @domain lvstopped
        Id:             -
        Name:           lvstopped
        UUID:           75f43acd-35a3-499e-b64f-218c49b55288
        OS Type:        hvm
        State:          shut off
        CPU(s):         1
        Max memory:     32768 KiB
        Used memory:    32768 KiB
        Persistent:     yes
        Autostart:      disable
        Managed save:   no
        Security model: none
        Security DOI:   0

        @blk
         Target   Capacity   Allocation   Physical
        --------------------------------------------
         vda      67108864   6950912      7012352

        @pid

        @end

        """;

    /// <summary><c>virsh dumpxml</c> of the running domain (live: ids, aliases, backing store, vnet target).</summary>
    public const string LiveXml = """
        <domain type='qemu' id='1'>
          <name>lvsample</name>
          <uuid>f06b5c6e-4996-4f01-8e9b-0c7f38d40a40</uuid>
          <memory unit='KiB'>32768</memory>
          <currentMemory unit='KiB'>32768</currentMemory>
          <vcpu placement='static'>1</vcpu>
          <resource>
            <partition>/machine</partition>
          </resource>
          <os>
            <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
            <boot dev='hd'/>
          </os>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='/var/lib/libvirt/images/lvsample-vda.qcow2' index='1'/>
              <backingStore/>
              <target dev='vda' bus='virtio'/>
              <alias name='virtio-disk0'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
            </disk>
            <controller type='usb' index='0' model='piix3-uhci'>
              <alias name='usb'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>
            </controller>
            <interface type='bridge'>
              <mac address='52:54:00:1e:42:a3'/>
              <source bridge='br0'/>
              <target dev='vnet0'/>
              <model type='virtio'/>
              <alias name='net0'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
            </interface>
            <console type='pty' tty='/dev/pts/0'>
              <source path='/dev/pts/0'/>
              <target type='serial' port='0'/>
              <alias name='serial0'/>
            </console>
          </devices>
          <seclabel type='dynamic' model='dac' relabel='yes'>
            <label>+0:+0</label>
            <imagelabel>+0:+0</imagelabel>
          </seclabel>
        </domain>
        """;

    /// <summary><c>virsh dumpxml --inactive</c>, with a CD-ROM, a block disk and UEFI NVRAM added to show what is skipped and moved.</summary>
    public const string InactiveXml = """
        <domain type='qemu'>
          <name>lvsample</name>
          <uuid>f06b5c6e-4996-4f01-8e9b-0c7f38d40a40</uuid>
          <memory unit='KiB'>32768</memory>
          <vcpu placement='static'>1</vcpu>
          <os>
            <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
            <nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/lvsample_VARS.fd</nvram>
            <boot dev='hd'/>
          </os>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='/var/lib/libvirt/images/lvsample-vda.qcow2'/>
              <target dev='vda' bus='virtio'/>
            </disk>
            <disk type='block' device='disk'>
              <driver name='qemu' type='raw'/>
              <source dev='/dev/sdz'/>
              <target dev='vdb' bus='virtio'/>
            </disk>
            <disk type='file' device='cdrom'>
              <target dev='hdc' bus='ide'/>
              <readonly/>
            </disk>
            <interface type='bridge'>
              <mac address='52:54:00:1e:42:a3'/>
              <source bridge='br0'/>
              <model type='virtio'/>
            </interface>
            <interface type='bridge'>
              <mac address='52:54:00:aa:bb:cc'/>
              <source bridge='br0'/>
              <link state='down'/>
            </interface>
          </devices>
        </domain>
        """;
}
