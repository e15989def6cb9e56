using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace DrPortal.Tests.Support;

/// <summary>
/// Debian's aiosmtpd (python3-aiosmtpd) on 127.0.0.1, storing what it receives in a maildir; started by the test,
/// stopped by its PID.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _maildir;

    private SmtpServer(int port, Process process, string maildir)
    {
        Port = port;
        _process = process;
        _maildir = maildir;
    }

    public int Port { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        var port = FreePort.Next();
        // aiosmtpd's Mailbox makes the maildir (new/, cur/, tmp/) only when the directory does not exist yet.
        var maildir = Path.Combine(TestEnvironment.CreateTempDirectory("drportal-smtp"), "maildir");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox", "-l", $"127.0.0.1:{port}", maildir })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start");
        var server = new SmtpServer(port, process, maildir);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(100);
            }
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"aiosmtpd did not listen on {port}: {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Waits for the first message the server stored.</summary>
    public async Task<MimeMessage> NextMessageAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var inbox = Path.Combine(_maildir, "new");
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(inbox) && Directory.GetFiles(inbox).FirstOrDefault() is { } file)
            {
                return await MimeMessage.LoadAsync(file);
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No mail arrived at 127.0.0.1:{Port} within {within}.");
    }

    /// <summary>Waits until the server stored at least <paramref name="count"/> messages; returns them all, oldest first.</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync(int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var inbox = Path.Combine(_maildir, "new");
        while (true)
        {
            var files = Directory.Exists(inbox) ? Directory.GetFiles(inbox).OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).ToList() : [];
            if (files.Count >= count)
            {
                var messages = new List<MimeMessage>();
                foreach (var file in files)
                {
                    messages.Add(await MimeMessage.LoadAsync(file));
                }
                return messages;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{files.Count} of {count} mails arrived at 127.0.0.1:{Port} within {within}.");
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(Path.GetDirectoryName(_maildir)!, recursive: true);
    }
}
