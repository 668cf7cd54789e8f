using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Dispatch's unit-of-work writes on the embedded database: each unit is one atomic
/// <see cref="WriteBatch"/>, written on the calling lane's thread. Lanes writing at the same time
/// are combined by RocksDB itself (its write group: one leader writes every waiting batch while
/// the others block briefly), which costs no trip through the thread pool's queue; a group of
/// our own, completing waiting lanes through that queue, measured slower under load, because
/// every resumed lane waited behind the requests being accepted.
/// </summary>
public sealed class RocksDbDispatchStore(EmbeddedDatabase database, RocksDbConversationStore conversations, RocksDbDeliveryLedger ledger, RocksDbWebhookStore webhooks) : IDispatchStore
{
    private static readonly IReadOnlyList<OutboxEntry> NoEntries = [];

    public ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(DispatchWrites writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        return writes.IsEmpty ? ValueTask.FromResult(NoEntries) : ValueTask.FromResult(Write(writes));
    }

    /// <summary>One atomic write of the unit's rows; returns the outbox entries of the events it stored.</summary>
    private IReadOnlyList<OutboxEntry> Write(DispatchWrites writes)
    {
        if (writes.Accepted.Count > 0)
        {
            // Only after a crash between an append and its rows: rare, and written on its own.
            conversations.PutAccepted(writes.Accepted);
        }

        // A conversation is one tenant's, in one partition: its events take the next sequences of
        // that stream, held until written, so the stream has no gap even when a write fails.
        using var batch = new WriteBatch();
        List<OutboxEntry>? entries = null;
        var stream = writes.Events.Count > 0 ? webhooks.StreamGate(writes.Events[0].Event.TenantId, writes.Partition) : null;
        stream?.Enter();
        try
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

            foreach (var (webhookEvent, deliverAt) in writes.Events)
            {
                if (webhooks.StagePublish(batch, webhookEvent, writes.Partition, deliverAt, out var entry) && entry is not null)
                {
                    (entries ??= []).Add(entry);
                }
            }

            database.Db.Write(batch, database.BufferedWrite);
        }
        catch
        {
            foreach (var (webhookEvent, _) in writes.Events)
            {
                webhooks.ForgetSequence(webhookEvent.TenantId, writes.Partition);
            }

            throw;
        }
        finally
        {
            stream?.Exit();
        }

        if (writes.Handoffs.Count > 0)
        {
            // Out of the WAL's buffer at once: a message has left for its channel, and a process
            // crash must not make a replay send it again.
            database.FlushWal();
        }

        return entries is null ? NoEntries : entries;
    }
}
