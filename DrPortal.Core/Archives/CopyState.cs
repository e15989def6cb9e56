namespace DrPortal.Core.Archives;

/// <summary>What the last verify found of one copy of a restore point.</summary>
public enum CopyState
{
    /// <summary>No verify has looked at the copy since it was made (a transfer checked it when it landed).</summary>
    Unchecked,

    /// <summary>Every file hashed to its recorded SHA-256.</summary>
    Good,

    /// <summary>A file's SHA-256 differs from the recorded one: the copy is never used.</summary>
    Bad,

    /// <summary>A file of the copy is gone: the copy is never used.</summary>
    Missing,
}
