namespace DrPortal.Web.Components.Pages.Pairs;

/// <summary>What a VM field is for; it changes what the field says about VMs that already exist.</summary>
public enum VmPickerPurpose
{
    /// <summary>An existing VM to back up.</summary>
    Source,

    /// <summary>The VM to restore to; usually free, an existing VM is replaced only if the pair allows it.</summary>
    Target,
}
