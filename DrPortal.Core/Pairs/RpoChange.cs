namespace DrPortal.Core.Pairs;

/// <summary>What the RPO monitor announces for a pair after evaluating it.</summary>
public enum RpoChange
{
    /// <summary>Nothing changed (or the pair is not evaluated).</summary>
    None,

    /// <summary>The pair was within its RPO and breaches it now.</summary>
    Breached,

    /// <summary>The pair breached its RPO and is within it again.</summary>
    Recovered,
}
