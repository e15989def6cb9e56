namespace DrPortal.Core.Archives;

public static class CopyStateExtensions
{
    /// <summary>A verify found the copy bad or missing: no restore, drill or push may use it.</summary>
    public static bool IsUnusable(this CopyState state) => state is CopyState.Bad or CopyState.Missing;
}
