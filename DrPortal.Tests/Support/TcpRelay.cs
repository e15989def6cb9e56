using System.Net;
using System.Net.Sockets;

namespace DrPortal.Tests.Support;

/// <summary>
/// A TCP relay on a loopback port of its own to a real service (MariaDB, a lab host's sshd) that a test can cut and
/// restore, so a portal loses a dependency without anything shared being stopped. Cutting closes the listener and every
/// relayed connection; restoring listens again on the same port.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;

    public TcpRelay(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    public void Restore()
    {
        if (_listener is not null)
        {
            return;
        }
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = new CancellationTokenSource();
        _ = AcceptAsync(_listener, _accepting.Token);
    }

    public void Cut()
    {
        _accepting?.Cancel();
        _accepting?.Dispose();
        _accepting = null;
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }
        try
        {
            await outbound.ConnectAsync(_target, ct);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The relay was cut, or one side hung up.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
