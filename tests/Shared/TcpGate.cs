using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// A loopback TCP forwarder to a server that a test can cut off and restore: <see cref="Cut"/>
/// drops every open connection and closes new ones at once, as a server gone down would look to
/// a client; <see cref="Restore"/> forwards again. For outages of servers other tests share.
/// </summary>
public sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _links = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private volatile bool _open = true;

    private TcpGate(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TcpGate Start(string host, int port) => new(host, port);

    public void Cut()
    {
        _open = false;
        foreach (var (client, server) in _links)
        {
            client.Dispose();
            server.Dispose();
        }
    }

    public void Restore() => _open = true;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (!_open)
            {
                client.Dispose();
                continue;
            }

            _ = LinkAsync(client);
        }
    }

    private async Task LinkAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_host, _port, _stopping.Token);
            _links[client] = server;
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var up = client.GetStream().CopyToAsync(server.GetStream(), either.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), either.Token);
            await Task.WhenAny(up, down);
            await either.CancelAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut, or one side went away: both ends close below.
        }
        finally
        {
            _links.TryRemove(client, out _);
            client.Dispose();
            server.Dispose();
        }
    }
}
