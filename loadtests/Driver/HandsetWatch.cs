using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>Polls what a sandbox handset and the message API show until a message has arrived.</summary>
internal sealed class HandsetWatch(GatewayClient client, TimeSpan poll, TimeSpan timeout)
{
    /// <summary>The handset's <c>receivedAt</c> for the message, or null when it did not arrive in time.</summary>
    public async Task<DateTimeOffset?> ReceivedAtAsync(string address, string messageId, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var path = "/sandbox/handsets/" + Uri.EscapeDataString(address) + "/messages";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            var inbox = await client.GetAsync(path, authorize: true, cancellation);
            if (inbox.Body?["items"] is JsonArray items)
            {
                // Newest last: the message we wait for is almost always at the end.
                for (var i = items.Count - 1; i >= 0; i--)
                {
                    if ((string?)items[i]?["messageId"] == messageId)
                    {
                        return DateTimeOffset.Parse((string)items[i]!["receivedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }

            await Task.Delay(poll, cancellation);
        }

        return null;
    }

    /// <summary>The <c>at</c> of a status in the message's <c>statusHistory</c>, waiting for it to appear.</summary>
    public async Task<DateTimeOffset?> StatusAtAsync(string messageId, string status, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            var message = await client.GetAsync("/v1/messages/" + messageId, authorize: true, cancellation);
            if (message.Body?["statusHistory"] is JsonArray history)
            {
                foreach (var entry in history)
                {
                    if ((string?)entry?["status"] == status)
                    {
                        return DateTimeOffset.Parse((string)entry!["at"]!, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }

            await Task.Delay(poll, cancellation);
        }

        return null;
    }
}
