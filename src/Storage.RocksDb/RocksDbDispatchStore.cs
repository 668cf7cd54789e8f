using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Dispatch's unit-of-work writes on the embedded database, combined by group write: the lane
/// that finds no write in progress writes its own rows at once (no thread hop) and then, while
/// it holds the turn, every lane's rows that queued meanwhile as one atomic <see cref="WriteBatch"/>.
/// A group that fails is written again one unit at a time, so one bad unit fails alone.
/// </summary>
public sealed class RocksDbDispatchStore(EmbeddedDatabase database, RocksDbConversationStore conversations, RocksDbDeliveryLedger ledger, RocksDbWebhookStore webhooks) : IDispatchStore
{
    private static readonly IReadOnlyList<OutboxEntry> NoEntries = [];

    private readonly Lock _lock = new();
    private List<Pending> _queued = [];
    private List<Pending>? _spare = [];
    private bool _writing;

    public ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(DispatchWrites writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.IsEmpty)
        {
            return ValueTask.FromResult(NoEntries);
        }

        var pending = new Pending(writes);
        List<Pending> group;
        lock (_lock)
        {
            _queued.Add(pending);
            if (_writing)
            {
                return new ValueTask<IReadOnlyList<OutboxEntry>>(pending.Done.Task); // the writing lane takes it along
            }

            _writing = true;
            group = TakeQueued();
        }

        WriteGroup(group);
        if (HandOverTurn(group))
        {
            // Lanes queued while this one wrote: a pool thread writes them, this lane goes on.
            ThreadPool.UnsafeQueueUserWorkItem(static store => store.Drain(), this, preferLocal: false);
        }

        return new ValueTask<IReadOnlyList<OutboxEntry>>(pending.Done.Task);
    }

    private void Drain()
    {
        while (true)
        {
            List<Pending> group;
            lock (_lock)
            {
                group = TakeQueued();
            }

            WriteGroup(group);
            if (!HandOverTurn(group))
            {
                return;
            }
        }
    }

    /// <summary>Recycles the written group; true when more are queued and the turn stays taken.</summary>
    private bool HandOverTurn(List<Pending> written)
    {
        written.Clear();
        lock (_lock)
        {
            _spare = written;
            if (_queued.Count > 0)
            {
                return true;
            }

            _writing = false;
            return false;
        }
    }

    private List<Pending> TakeQueued()
    {
        var group = _queued;
        _queued = _spare ?? [];
        _spare = null;
        return group;
    }

    private void WriteGroup(List<Pending> group)
    {
        try
        {
            Write(group);
        }
        catch (Exception) when (group.Count > 1)
        {
            // Alone, each unit fails or succeeds on its own.
            foreach (var pending in group)
            {
                try
                {
                    Write([pending]);
                }
                catch (Exception ex)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
        catch (Exception ex)
        {
            group[0].Done.TrySetException(ex);
        }
    }

    /// <summary>One atomic write of the units' rows; completes each unit with its outbox entries.</summary>
    private void Write(List<Pending> units)
    {
        using var batch = new WriteBatch();
        HashSet<string>? staged = units.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        var handsOver = false;
        var results = new List<OutboxEntry>?[units.Count];
        try
        {
            for (var u = 0; u < units.Count; u++)
            {
                var writes = units[u].Writes;
                if (writes.Accepted.Count > 0)
                {
                    // Only after a crash between an append and its rows: rare, and written on its own.
                    conversations.PutAccepted(writes.Accepted);
                }

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
                    handsOver = true;
                }

                foreach (var (webhookEvent, deliverAt) in writes.Events)
                {
                    if (webhooks.StagePublish(batch, webhookEvent, deliverAt, staged, out var entry) && entry is not null)
                    {
                        (results[u] ??= []).Add(entry);
                    }
                }
            }

            database.Db.Write(batch, database.BufferedWrite);
        }
        catch
        {
            foreach (var pending in units)
            {
                foreach (var (webhookEvent, _) in pending.Writes.Events)
                {
                    webhooks.ForgetSequence(webhookEvent.TenantId);
                }
            }

            throw;
        }

        if (handsOver)
        {
            // Out of the WAL's buffer at once: a message has left for its channel, and a process
            // crash must not make a replay send it again.
            database.FlushWal();
        }

        for (var u = 0; u < units.Count; u++)
        {
            units[u].Done.TrySetResult(results[u] is { } entries ? entries : NoEntries);
        }
    }

    private sealed class Pending(DispatchWrites writes)
    {
        public DispatchWrites Writes { get; } = writes;

        // Continuations off the writing lane's thread: it goes on writing the next group.
        public TaskCompletionSource<IReadOnlyList<OutboxEntry>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
