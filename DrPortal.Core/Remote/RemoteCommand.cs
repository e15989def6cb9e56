namespace DrPortal.Core.Remote;

/// <summary>
/// A program and its arguments, kept apart until the one quoting function joins them into a shell line.
/// Built only from validated typed values by the command builders.
/// </summary>
public sealed record RemoteCommand(string Program, IReadOnlyList<string> Arguments)
{
    public RemoteCommand(string program, params string[] arguments)
        : this(program, (IReadOnlyList<string>)arguments)
    {
    }

    /// <summary>
    /// A fixed POSIX sh script written by the portal's authors. Values reach it only as positional
    /// parameters ($1, $2, ...), each quoted like any argument, never spliced into the script text.
    /// </summary>
    public static RemoteCommand Script(string script, params string[] parameters) =>
        new("sh", ["-c", script, "drportal", .. parameters]);

    public override string ToString() => $"{Program} {string.Join(' ', Arguments)}";
}

/// <summary>What a remote command left behind: exit status and its output.</summary>
public sealed record RemoteResult(int ExitStatus, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitStatus == 0;
}
