using System.Collections.Concurrent;
using System.Net;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Load for kill -9 tests: senders that keep, per handset, the ids the gateway acknowledged (a
/// 202) in send order, and the checks after the crash: every acknowledged message read, on its
/// handset once and in send order, its status events once each in the event stream, and every
/// event delivered to the webhook receiver.
/// </summary>
internal sealed class AcknowledgedLoad : IDisposable
{
    /// <summary>Receipts, webhook retries and their backoff fast enough that a kill lands with all of them under way.</summary>
    public static readonly string[] FastSettings =
        ["--Sandbox:ReceiptDelay=00:00:00.020", "--Webhooks:BaseRetryDelay=00:00:00.050", "--Webhooks:MaxRetryDelay=00:00:00.200"];

    private const int MaxPerHandset = 200;

    private readonly ConcurrentDictionary<string, List<string>> _acknowledged = new();
    private readonly SemaphoreSlim _acknowledgement = new(0);
    private int _count;

    public void Dispose() => _acknowledgement.Dispose();

    /// <summary>How many messages have been acknowledged so far, through any node.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Sends to the handset at <paramref name="address"/> through <paramref name="client"/>, one
    /// message after the other, until <paramref name="stop"/>, an answer other than 202, or the node
    /// dying under a request (that one was never acknowledged).
    /// </summary>
    public Task SendAsync(GatewayClient client, string address, CancellationToken stop) => Task.Run(async () =>
    {
        var ids = _acknowledged.GetOrAdd(address, _ => []);
        for (var i = 0; i < MaxPerHandset && !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await client.PostJsonAsync("/v1/messages", GatewayClient.SandboxText(address, $"{address}/{i}"));
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    return;
                }

                var id = (await GatewayClient.ReadJsonAsync(response))["id"]!.GetValue<string>();
                lock (ids)
                {
                    ids.Add(id);
                }

                Interlocked.Increment(ref _count);
                _acknowledgement.Release();
            }
            catch (HttpRequestException)
            {
                return; // the node died under this request: it was never acknowledged
            }
        }
    }, CancellationToken.None);

    /// <summary>Waits until <paramref name="count"/> messages are acknowledged, or until every one of <paramref name="senders"/> has finished.</summary>
    public async Task WaitForAsync(int count, IReadOnlyCollection<Task> senders)
    {
        var allDone = Task.WhenAll(senders);
        while (Count < count && !allDone.IsCompleted)
        {
            // Woken by each acknowledgement, or by the last sender ending.
            await Task.WhenAny(_acknowledgement.WaitAsync(), allDone);
        }
    }

    /// <summary>The checks after the crash, read through <paramref name="reader"/>; <paramref name="patience"/> bounds each wait.</summary>
    public async Task AssertEachArrivedOnceInOrderAsync(GatewayClient reader, WebhookReceiver receiver, TimeSpan patience)
    {
        foreach (var (address, ids) in _acknowledged)
        {
            foreach (var id in ids)
            {
                await reader.WaitForStatusAsync(id, "read", timeoutSeconds: (int)patience.TotalSeconds);
            }

            var inbox = (await reader.HandsetInboxAsync(address)).Select(m => m["messageId"]!.GetValue<string>()).ToList();
            Assert.Equal(inbox.Count, inbox.Distinct().Count()); // nothing reached a handset twice
            var acknowledgedInInbox = inbox.Where(ids.Contains).ToList();
            Assert.Equal(ids, acknowledgedInInbox); // everything acknowledged arrived, in send order
        }

        var stream = await reader.ReadEventsAsync();
        var eventIds = stream.Select(e => e["id"]!.GetValue<string>()).ToList();
        Assert.Equal(eventIds.Count, eventIds.Distinct().Count());
        foreach (var id in _acknowledged.Values.SelectMany(ids => ids))
        {
            var statuses = stream.Where(e => e["data"]!["messageId"]!.GetValue<string>() == id).Select(e => e["data"]!["status"]!.GetValue<string>());
            Assert.Equal(["queued", "sent", "delivered", "read"], statuses);
        }

        // Receivers may see an event again after the crash, but always under the same id. A message
        // sent but never acknowledged may still be dispatched meanwhile: its events come later in
        // the stream, so what was received is compared with the stream read again afterwards.
        var expected = eventIds.ToHashSet();
        await receiver.WaitForAsync(received => expected.IsSubsetOf(received.Where(w => w.StatusCode == 204).Select(w => w.Id!)), patience);
        var received = receiver.Received;
        var streamAfter = (await reader.ReadEventsAsync()).Select(e => e["id"]!.GetValue<string>()).ToHashSet();
        Assert.All(received, w => Assert.Contains(w.Id!, streamAfter));
    }
}
