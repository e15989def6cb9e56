using DrPortal.Core.Archives;

namespace DrPortal.Web.Components.Shared;

/// <summary>How the screens name a restore point's place in its chain (the chain itself is <see cref="ArchiveChain"/>).</summary>
internal static class RestorePointChain
{
    /// <summary>"full" or "incremental": what a point is, in the list's one word.</summary>
    public static string Kind(Archive point) => point.IsIncremental ? "incremental" : "full";
}
