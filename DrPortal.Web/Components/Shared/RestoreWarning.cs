using DrPortal.Core.Pairs;

namespace DrPortal.Web.Components.Shared;

/// <summary>What a restore into a pair's target will do to the recovery host, in the words every confirmation uses.</summary>
internal static class RestoreWarning
{
    public static string Target(VmPair pair) =>
        $"VM {pair.TargetVm} on {pair.TargetHypervisor?.Name ?? $"host #{pair.TargetHypervisorId}"}";

    public static string For(VmPair pair) => (pair.OverwriteExistingTarget
        ? $"Overwrite is ON: if {Target(pair)} exists, it is stopped and replaced by the restored VM."
        : $"Overwrite is off: {Target(pair)} is replaced only if it is this pair's own replica; any other VM there is left untouched and the task stops before the backup.")
        + " " + StartWords(pair.ReplicaStart) + ".";

    public static string StartWords(ReplicaStart start) => start switch
    {
        ReplicaStart.LinksDown => "The replica is started with its network links down",
        ReplicaStart.Connected => "The replica is started with its network connected",
        _ => "The replica is left stopped",
    };
}
