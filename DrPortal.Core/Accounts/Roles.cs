namespace DrPortal.Core.Accounts;

/// <summary>The three roles. Each role includes the rights of the ones below it.</summary>
public static class Roles
{
    /// <summary>Users, hosts, settings, and everything an Operator may do.</summary>
    public const string Admin = "Admin";

    /// <summary>Pairs, schedules, run and restore, and everything a Viewer may do.</summary>
    public const string Operator = "Operator";

    /// <summary>Read only.</summary>
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Operator, Viewer];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>How much a role may do: Admin 2, Operator 1, Viewer (or anything else) 0; a higher rank includes the lower.</summary>
    public static int Rank(string? role) => role switch
    {
        Admin => 2,
        Operator => 1,
        _ => 0,
    };
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string CanView = "CanView";
    public const string CanOperate = "CanOperate";
    public const string CanAdminister = "CanAdminister";
}
