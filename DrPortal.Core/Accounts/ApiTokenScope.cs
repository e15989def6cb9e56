namespace DrPortal.Core.Accounts;

/// <summary>
/// What an API token may do at most. A token never does more than its owner's current role allows: its rights are the
/// lower of the two on every request (see <see cref="ApiToken.EffectiveRole"/>).
/// </summary>
public enum ApiTokenScope
{
    /// <summary>Reads, like a Viewer.</summary>
    ReadOnly,

    /// <summary>Runs and changes pairs, schedules and tasks, like an Operator.</summary>
    Operate,

    /// <summary>Everything the owner may do, up to an Admin's rights.</summary>
    Admin,
}
