using DrPortal.Core.Common;

namespace DrPortal.Infrastructure.Transport;

/// <summary>
/// The check every path passes before it becomes a command argument, on a host or for rsync: absolute,
/// made only of letters, digits, '.', '-' and '_' between single slashes, with no "." or ".." segment.
/// Such a path cannot split into two words, start an option, expand, or climb out of its directory, in any
/// shell or in rsync's own parsing of its -e option. Anything else is refused rather than quoted.
/// </summary>
public static class HostPath
{
    public const int MaxLength = 4096;

    public static bool IsValid(string? path) =>
        path is not null
        && path.Length <= MaxLength
        && TextRules.AbsolutePath().IsMatch(path)
        && !path.EndsWith('\n')
        && !path.Split('/').Any(segment => segment is "." or "..");

    /// <summary>
    /// A file name in a host directory, as drivers name the files of restore points: letters, digits, '.', '-' and '_',
    /// at most 255 characters, not "." or "..", no '/'.
    /// </summary>
    public static bool IsFileName(string? name) =>
        name is { Length: > 0 and <= 255 } && !name.Contains('/', StringComparison.Ordinal) && name is not ("." or "..") && IsValid("/" + name);

    /// <summary>The path of a file in a host directory; both are checked.</summary>
    /// <exception cref="ArgumentException">A bad directory or file name.</exception>
    public static string Combine(string directory, string fileName)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!IsFileName(fileName))
        {
            throw new ArgumentException($"'{fileName}' is not a plain file name (letters, digits, '.', '-', '_').", nameof(fileName));
        }
        return Require($"{directory.TrimEnd('/')}/{fileName}", nameof(directory));
    }

    /// <summary>Returns the path unchanged, or throws naming the parameter that held a bad one.</summary>
    /// <exception cref="ArgumentException">The path is not a safe absolute path.</exception>
    public static string Require(string? path, string parameterName) =>
        IsValid(path)
            ? path!
            : throw new ArgumentException(
                $"'{path}' is not a safe absolute path: it must start with '/' and hold only letters, digits, '.', '-', '_' and single '/' separators, with no '.' or '..' segment.",
                parameterName);
}
