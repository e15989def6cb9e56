using System.Diagnostics;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit;

public class ShellQuotingTests
{
    public static TheoryData<string> Hostile => new()
    {
        "",
        " ",
        "plain",
        "a b",
        "it's",
        "'",
        "''",
        "\"$(touch /tmp/pwned)\"",
        "`id`",
        "$HOME",
        "; rm -rf / #",
        "a\nb",
        "*",
        "\\",
        "-n",
        "ümlaut ✓",
        "x' ; echo owned ; '",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Quote_ThroughRealShell_ArrivesUnchanged(string value)
    {
        // The real test of quoting: /bin/sh must hand the program exactly the bytes we meant.
        var line = ShellQuoting.ToShellLine(new RemoteCommand("printf", "%s", value));
        var psi = new ProcessStartInfo("/bin/sh", ["-c", line]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        Assert.Equal(0, p.ExitCode);
        Assert.Equal(value, output);
    }

    [Theory]
    [InlineData("vzdump", "vzdump")]
    [InlineData("/var/lib/vz/dump", "/var/lib/vz/dump")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Quote_KnownValues_HasExpectedShape(string value, string expected) =>
        Assert.Equal(expected, ShellQuoting.Quote(value));

    [Fact]
    public void Quote_Nul_IsRefused() =>
        Assert.Throws<ArgumentException>(() => ShellQuoting.Quote("a\0b"));

    [Fact]
    public void Script_PassesValuesAsPositionalParameters()
    {
        var cmd = RemoteCommand.Script("printf '%s|%s' \"$1\" \"$2\"", "$(id)", "x y");
        var psi = new ProcessStartInfo("/bin/sh", ["-c", ShellQuoting.ToShellLine(cmd)]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        Assert.Equal("$(id)|x y", output);
    }
}
