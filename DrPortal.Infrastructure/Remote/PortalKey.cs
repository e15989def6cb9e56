using System.Diagnostics;
using DrPortal.Core.Accounts;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// The portal's ed25519 identity under the data directory, created with ssh-keygen on first use.
/// The private key is mode 0600 so only the portal's user can read it; the system ssh client (rsync) needs it as a file.
/// </summary>
internal sealed class PortalKey : IPortalKey
{
    private readonly Lazy<string> _publicKey;

    public PortalKey(IOptions<DrPortalOptions> options)
    {
        var dir = Path.Combine(options.Value.DataDirectory, "ssh");
        _privateKeyPath = Path.Combine(dir, "id_ed25519");
        _publicKey = new Lazy<string>(() => EnsureKey(dir));
    }

    private readonly string _privateKeyPath;

    /// <summary>The private key's path; the key pair exists once this returns.</summary>
    public string PrivateKeyPath
    {
        get
        {
            _ = _publicKey.Value;
            return _privateKeyPath;
        }
    }

    public string PublicKeyLine => _publicKey.Value;

    private string EnsureKey(string dir)
    {
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var publicPath = _privateKeyPath + ".pub";
        if (!File.Exists(_privateKeyPath))
        {
            // Generate beside the final name and rename, so a crash never leaves half a key.
            var temp = _privateKeyPath + ".new";
            File.Delete(temp);
            File.Delete(temp + ".pub");
            var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-q", "-t", "ed25519", "-N", "", "-C", $"drportal@{Environment.MachineName}", "-f", temp })
            {
                psi.ArgumentList.Add(arg);
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("ssh-keygen could not be started.");
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ssh-keygen failed: {process.StandardError.ReadToEnd()}");
            }
            File.Move(temp + ".pub", publicPath, overwrite: true);
            File.Move(temp, _privateKeyPath);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_privateKeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return File.ReadAllText(publicPath).Trim();
    }
}
