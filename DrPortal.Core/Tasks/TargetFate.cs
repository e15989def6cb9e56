namespace DrPortal.Core.Tasks;

/// <summary>What a restore would do to the VM at the pair's target, as known before the task runs.</summary>
public enum TargetFate
{
    /// <summary>Nothing is there: the replica is created.</summary>
    Created,

    /// <summary>The pair's own replica (its recorded identity) is stopped and replaced.</summary>
    ReplacesOwnReplica,

    /// <summary>A VM the pair did not create is replaced because the pair allows overwriting.</summary>
    ReplacesOther,

    /// <summary>The VM there is protected (not the pair's, overwrite off; or running): the task would be refused.</summary>
    Refused,

    /// <summary>The recovery host could not be asked.</summary>
    Unknown,

    /// <summary>The task does not restore (Backup).</summary>
    NotTouched,
}
