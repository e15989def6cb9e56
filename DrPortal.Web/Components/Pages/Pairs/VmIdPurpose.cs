namespace DrPortal.Web.Components.Pages.Pairs;

/// <summary>What a VMID field is for; it changes what the field says about VMs that already exist.</summary>
public enum VmIdPurpose
{
    /// <summary>An existing VM to back up.</summary>
    Source,

    /// <summary>The VMID to restore to; usually free, an existing VM is replaced only if the pair allows it.</summary>
    Target,
}
