using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Gateway.Webhooks;

/// <summary>
/// A tenant's events as one stream: the streams of the log partitions merged. Each partition's
/// events come in their order (so a conversation's do); across partitions the earlier event goes
/// first. The page ends at <c>limit</c> events, and the cursor moves only past events returned,
/// so no event is skipped or repeated, whichever node numbered it.
/// </summary>
internal static class EventStream
{
    public static async ValueTask<List<WebhookEvent>> ReadAsync(IWebhookStore store, string tenantId, EventCursor cursor, int limit, CancellationToken cancellationToken)
    {
        // Each partition read at most `limit` ahead: the merge never needs more from one of them.
        var heads = new IReadOnlyList<WebhookEvent>[cursor.PartitionCount];
        for (var partition = 0; partition < heads.Length; partition++)
        {
            heads[partition] = await store.ReadEventsAsync(tenantId, partition, cursor[partition], limit, cancellationToken);
        }

        var taken = new int[heads.Length];
        var page = new List<WebhookEvent>(Math.Min(limit, 256));
        while (page.Count < limit)
        {
            var next = -1;
            for (var partition = 0; partition < heads.Length; partition++)
            {
                if (taken[partition] < heads[partition].Count
                    && (next < 0 || heads[partition][taken[partition]].CreatedAt < heads[next][taken[next]].CreatedAt))
                {
                    next = partition;
                }
            }

            if (next < 0)
            {
                break;
            }

            var webhookEvent = heads[next][taken[next]++];
            page.Add(webhookEvent);
            cursor.Advance(next, webhookEvent.Seq);
        }

        return page;
    }
}
