using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Dispatch's unit-of-work writes on the embedded database: the units of a consumer batch are
/// one atomic <see cref="WriteBatch"/>, written on the calling thread. Solo units written at the
/// same time (a conversation waiting on its channel's retries) are combined by RocksDB itself
/// (its write group: one leader writes every waiting batch while the others block briefly).
/// </summary>
public sealed class RocksDbDispatchStore(EmbeddedDatabase database, RocksDbConversationStore conversations, RocksDbDeliveryLedger ledger, RocksDbWebhookStore webhooks) : IDispatchStore
{
    private static readonly IReadOnlyList<OutboxEntry> NoEntries = [];

    public ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(IReadOnlyList<DispatchWrites> units, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(units);
        return ValueTask.FromResult(Write(units));
    }

    /// <summary>One atomic write of the units' rows; returns the outbox entries of the events it stored.</summary>
    private IReadOnlyList<OutboxEntry> Write(IReadOnlyList<DispatchWrites> units)
    {
        var handoffs = false;
        var empty = true;
        foreach (var writes in units)
        {
            if (writes.Accepted.Count > 0)
            {
                // Only after a crash between an append and its rows: rare, and written on its own.
                conversations.PutAccepted(writes.Accepted);
            }

            handoffs |= writes.Handoffs.Count > 0;
            empty &= writes.IsEmpty;
        }

        if (empty)
        {
            return NoEntries;
        }

        // Events take the next sequences of their (tenant, partition) stream, held until written,
        // so a stream has no gap even when a write fails.
        var streams = EventStreams.Of(units);
        foreach (var (tenantId, partition) in streams)
        {
            webhooks.StreamGate(tenantId, partition).Enter();
        }

        using var batch = new WriteBatch();
        List<OutboxEntry>? entries = null;
        HashSet<string>? staged = null;
        try
        {
            foreach (var writes in units)
            {
                foreach (var append in writes.Timeline)
                {
                    conversations.StageTimeline(batch, append);
                }

                foreach (var (messageId, change) in writes.Statuses)
                {
                    conversations.StageStatus(batch, messageId, change);
                }

                foreach (var handoff in writes.Handoffs)
                {
                    ledger.StageHandoff(batch, handoff);
                }

                foreach (var (webhookEvent, deliverAt, isNew) in writes.Events)
                {
                    // The batch is not readable until written: an event published twice in it is
                    // staged once. A new one (its status change is new in this batch) is not asked
                    // for its id, which it makes only when first read.
                    if ((isNew || (staged ??= new HashSet<string>(StringComparer.Ordinal)).Add(webhookEvent.Id))
                        && webhooks.StagePublish(batch, webhookEvent, writes.Partition, deliverAt, mayBeStored: !isNew, out var entry)
                        && entry is not null)
                    {
                        (entries ??= []).Add(entry);
                    }
                }
            }

            database.Db.Write(batch, database.BufferedWrite);
        }
        catch
        {
            foreach (var (tenantId, partition) in streams)
            {
                webhooks.ForgetSequence(tenantId, partition);
            }

            throw;
        }
        finally
        {
            for (var i = streams.Count - 1; i >= 0; i--)
            {
                webhooks.StreamGate(streams[i].TenantId, streams[i].Partition).Exit();
            }
        }

        if (handoffs)
        {
            // Out of the WAL's buffer at once: a message has left for its channel, and a process
            // crash must not make a replay send it again.
            database.FlushWal();
        }

        return entries is null ? NoEntries : entries;
    }
}
