using DrPortal.Core.Pairs;

namespace DrPortal.Web.Components.Shared;

/// <summary>What a restore into a pair's target will do to the recovery host, in the words every confirmation uses.</summary>
internal static class RestoreWarning
{
    public static string Target(VmPair pair) =>
        $"VM {pair.TargetVmId} on {pair.TargetHypervisor?.Name ?? $"host #{pair.TargetHypervisorId}"}";

    public static string For(VmPair pair) => pair.OverwriteExistingTarget
        ? $"Overwrite is ON: if {Target(pair)} exists, it is stopped and replaced by the restored VM."
            + (pair.StartAfterRestore ? " The restored VM is started." : " The restored VM is left stopped.")
        : $"Overwrite is off: if {Target(pair)} already exists, the task fails before touching it; otherwise the VM is created."
            + (pair.StartAfterRestore ? " The restored VM is started." : " The restored VM is left stopped.");
}
