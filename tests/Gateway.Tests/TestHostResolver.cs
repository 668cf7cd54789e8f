using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Gateway.Tests;

/// <summary>A resolver whose answers the test sets (and changes, to act out DNS rebinding); unknown names do not resolve.</summary>
public sealed class TestHostResolver : IWebhookHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);

    public void Answer(string host, params IPAddress[] addresses) => _answers[host] = addresses;

    public ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _answers.TryGetValue(host, out var addresses)
            ? ValueTask.FromResult(addresses)
            : ValueTask.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}
