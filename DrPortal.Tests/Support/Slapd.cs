using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace DrPortal.Tests.Support;

/// <summary>
/// A real OpenLDAP slapd of its own: a slapd.conf and an mdb database in a temp directory, listening on a free loopback
/// port, seeded with ldapadd. It is started and killed by its own PID, never the system's slapd. Missing slapd fails loudly.
/// </summary>
public sealed class Slapd : IAsyncDisposable
{
    public const string Program = "/usr/sbin/slapd";
    public const string Suffix = "dc=drportal,dc=test";
    public const string People = "ou=people," + Suffix;
    public const string Groups = "ou=groups," + Suffix;
    public const string AdminsGroup = "cn=portal-admins," + Groups;
    public const string OperatorsGroup = "cn=portal-operators," + Groups;
    public const string ViewersGroup = "cn=portal-viewers," + Groups;
    /// <summary>A group that no portal role is mapped to.</summary>
    public const string StaffGroup = "cn=staff," + Groups;
    public const string ServiceDn = "cn=portal-reader," + Suffix;

    private const string RootDn = "cn=root," + Suffix;
    // groupOfNames must have a member; this placeholder keeps a group alive when its last real member leaves.
    private const string Placeholder = "cn=nobody," + Suffix;
    private static readonly string[] AllGroups = [AdminsGroup, OperatorsGroup, ViewersGroup, StaffGroup];

    private readonly string _directory;
    private readonly string _rootPassword = RandomPassword();
    private readonly StringBuilder _output = new();
    private Process? _process;

    private Slapd(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"ldap://127.0.0.1:{Port}/";

    public string ServicePassword { get; } = RandomPassword();

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<Slapd> StartAsync()
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is missing: install Debian's slapd and ldap-utils (./dr test does).");
        }
        var slapd = new Slapd(TestEnvironment.CreateTempDirectory("drportal-slapd"), FreePort());
        await slapd.StartProcessAsync();
        await slapd.SeedAsync();
        return slapd;
    }

    /// <summary>Adds an inetOrgPerson under ou=people and puts them in the groups.</summary>
    public async Task AddUserAsync(string uid, string password, params string[] groups)
    {
        using var connection = Connect();
        connection.SendRequest(new AddRequest(UserDn(uid),
            new DirectoryAttribute("objectClass", "inetOrgPerson"),
            new DirectoryAttribute("uid", uid),
            new DirectoryAttribute("cn", uid),
            new DirectoryAttribute("sn", uid),
            new DirectoryAttribute("userPassword", Ssha(password))));
        await SetGroupsAsync(uid, groups);
    }

    /// <summary>Makes the user a member of exactly these of the test groups.</summary>
    public Task SetGroupsAsync(string uid, params string[] groups)
    {
        using var connection = Connect();
        foreach (var group in AllGroups)
        {
            var change = groups.Contains(group) ? DirectoryAttributeOperation.Add : DirectoryAttributeOperation.Delete;
            try
            {
                connection.SendRequest(new ModifyRequest(group, change, "member", UserDn(uid)));
            }
            catch (DirectoryOperationException e) when (e.Response.ResultCode is ResultCode.NoSuchAttribute or ResultCode.AttributeOrValueExists)
            {
                // Already as wanted.
            }
        }
        return Task.CompletedTask;
    }

    public static string UserDn(string uid) => $"uid={uid},{People}";

    /// <summary>Kills this slapd (by its PID) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _process = null;
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task StartProcessAsync()
    {
        var db = Path.Combine(_directory, "db");
        Directory.CreateDirectory(db);
        var config = Path.Combine(_directory, "slapd.conf");
        await File.WriteAllTextAsync(config, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/nis.schema
            include /etc/ldap/schema/inetorgperson.schema
            pidfile {_directory}/slapd.pid
            argsfile {_directory}/slapd.args
            modulepath /usr/lib/ldap
            moduleload back_mdb
            # Like many Active Directory set-ups: a DN with an empty password is an anonymous bind that "succeeds".
            allow bind_anon_dn
            database mdb
            suffix "{Suffix}"
            rootdn "{RootDn}"
            rootpw {Ssha(_rootPassword)}
            directory {db}
            access to attrs=userPassword by self write by anonymous auth by * none
            access to * by users read by * none

            """);
        var start = new ProcessStartInfo(Program, ["-f", config, "-h", Url, "-d", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("slapd did not start.");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await AcceptsAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"slapd did not come up on {Url}: {Output()}");
            }
            await Task.Delay(100);
        }
    }

    private async Task SeedAsync()
    {
        var ldif = new StringBuilder($"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            o: DrPortal test
            dc: drportal

            dn: {People}
            objectClass: organizationalUnit
            ou: people

            dn: {Groups}
            objectClass: organizationalUnit
            ou: groups

            dn: {ServiceDn}
            objectClass: organizationalRole
            objectClass: simpleSecurityObject
            cn: portal-reader
            userPassword: {Ssha(ServicePassword)}

            """);
        foreach (var group in AllGroups)
        {
            ldif.Append($"""

                dn: {group}
                objectClass: groupOfNames
                cn: {group[3..group.IndexOf(',', StringComparison.Ordinal)]}
                member: {Placeholder}

                """);
        }
        var ldifFile = Path.Combine(_directory, "seed.ldif");
        var passwordFile = Path.Combine(_directory, "root.pw");
        await File.WriteAllTextAsync(ldifFile, ldif.ToString());
        // ldapadd -y reads the password from a file (never on the command line); the whole file is the password.
        await File.WriteAllTextAsync(passwordFile, _rootPassword);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var add = new ProcessStartInfo("ldapadd", ["-x", "-H", Url, "-D", RootDn, "-y", passwordFile, "-f", ldifFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var ldapadd = Process.Start(add) ?? throw new InvalidOperationException("ldapadd did not start (install ldap-utils).");
        var stderr = ldapadd.StandardError.ReadToEndAsync();
        await ldapadd.StandardOutput.ReadToEndAsync();
        await ldapadd.WaitForExitAsync();
        if (ldapadd.ExitCode != 0)
        {
            throw new InvalidOperationException($"ldapadd failed ({ldapadd.ExitCode}): {await stderr}");
        }
    }

    private LdapConnection Connect()
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", Port)) { AuthType = AuthType.Basic };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.Bind(new NetworkCredential(RootDn, _rootPassword));
        return connection;
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Remember(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RandomPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The {SSHA} form slapd stores: base64(SHA-1(password + salt) + salt). Test passwords only ever exist hashed on disk.</summary>
#pragma warning disable CA5350 // SSHA is what slapd's default password scheme is; this is a test directory.
    private static string Ssha(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(8);
        var hash = SHA1.HashData([.. Encoding.UTF8.GetBytes(password), .. salt]);
        return "{SSHA}" + Convert.ToBase64String([.. hash, .. salt]);
    }
#pragma warning restore CA5350
}
