namespace DrPortal.Core.Archives;

/// <summary>Where a copy of a restore point lies: the host that made it, the portal's repository, the host it was sent to.</summary>
public enum CopyLocation
{
    Primary,
    Repository,
    Recovery,
}
