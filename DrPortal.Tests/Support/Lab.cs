using System.Diagnostics;
using System.Text.Json;

namespace DrPortal.Tests.Support;

/// <param name="Kind">"proxmox" (the emulator) or "libvirt" (a real libvirtd and QEMU).</param>
public sealed record LabHost(string Name, string Address, string Site, string Sshd, string HostKey, string Fingerprint, string Link, string Kind = "proxmox")
{
    public bool IsLibvirt => Kind.Equals("libvirt", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The lab of emulated Proxmox hosts and real libvirt hosts, driven through lab/lab.sh. `./dr test` brings it up; a missing lab fails loudly.</summary>
public static class Lab
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Script => Path.Combine(RepositoryRoot, "lab", "lab.sh");

    /// <summary>Runs lab.sh with the arguments (never through a shell) and returns stdout; a non-zero exit throws with the output.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Script);
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab.sh {string.Join(' ', arguments)} failed ({p.ExitCode}): {await stdout}{await stderr}");
        }
        return await stdout;
    }

    public static async Task<IReadOnlyList<LabHost>> HostsAsync()
    {
        using var doc = JsonDocument.Parse(await RunAsync("status", "--json"));
        var hosts = doc.RootElement.GetProperty("hosts").EnumerateArray().Select(h => new LabHost(
            h.GetProperty("name").GetString()!, h.GetProperty("address").GetString()!, h.GetProperty("site").GetString()!,
            h.GetProperty("sshd").GetString()!, h.GetProperty("hostKey").GetString()!, h.GetProperty("fingerprint").GetString()!,
            h.GetProperty("link").GetString()!, h.TryGetProperty("kind", out var kind) ? kind.GetString()! : "proxmox")).ToList();
        if (hosts.Count == 0)
        {
            throw new InvalidOperationException("The lab is not up. Run the tests with ./dr test, which brings it up (needs root).");
        }
        return hosts;
    }

    public static async Task<LabHost> HostAsync(string name) =>
        (await HostsAsync()).SingleOrDefault(h => h.Name == name)
        ?? throw new InvalidOperationException($"The lab has no host {name}.");

    /// <summary>SHA-256 of each disk of a VM ("scsi0" → hex).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ChecksumAsync(string host, int vmid) =>
        (await RunAsync("vm", "checksum", host, vmid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p[1].Trim());

    public static Task<string> ExecAsync(string host, params string[] command) => RunAsync(["exec", host, "--", .. command]);

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("DRPORTAL_ROOT") is { Length: > 0 } root)
        {
            return root;
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DrPortal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (DrPortal.sln).");
    }
}
