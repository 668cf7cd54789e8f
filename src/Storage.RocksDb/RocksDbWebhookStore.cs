using System.Collections.Concurrent;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Webhook subscriptions, the tenants' event streams, the outbox and dead letters. A tenant has a
/// stream per log partition; its sequences are assigned under that stream's lock together with
/// the write, so a reader following it with a cursor never sees a later event before an earlier
/// one, while partitions (and tenants) publish side by side.
/// </summary>
public sealed class RocksDbWebhookStore(EmbeddedDatabase database) : IWebhookStore
{
    private readonly ColumnFamilyHandle _subscriptions = database.Family(EmbeddedDatabase.SubscriptionsFamily);
    private readonly ColumnFamilyHandle _events = database.Family(EmbeddedDatabase.EventsFamily);
    private readonly ColumnFamilyHandle _eventIds = database.Family(EmbeddedDatabase.EventIdsFamily);
    private readonly ColumnFamilyHandle _outbox = database.Family(EmbeddedDatabase.OutboxFamily);
    private readonly ColumnFamilyHandle _deadLetters = database.Family(EmbeddedDatabase.DeadLettersFamily);
    private readonly ConcurrentDictionary<(string TenantId, int Partition), TenantStream> _streams = new();
    private readonly Lock _outboxLock = new();
    private readonly ConcurrentDictionary<string, WebhookSubscription?> _subscriptionCache = new(StringComparer.Ordinal);

    public ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Subscription(tenantId));

    public ValueTask PutSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        lock (_subscriptionCache)
        {
            database.Db.Put(Encoding.UTF8.GetBytes(subscription.TenantId), JsonSerializer.SerializeToUtf8Bytes(subscription, CoreJsonContext.Default.WebhookSubscription), _subscriptions, database.SyncedWrite);
            _subscriptionCache[subscription.TenantId] = subscription;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<OutboxEntry?> PublishAsync(WebhookEvent webhookEvent, DateTimeOffset deliverAt, CancellationToken cancellationToken = default)
    {
        using var batch = new WriteBatch();
        lock (StreamGate(webhookEvent.TenantId, webhookEvent.Partition))
        {
            // Held until written: the stream has no gap even when the write fails.
            if (!StagePublish(batch, webhookEvent, webhookEvent.Partition, deliverAt, mayBeStored: true, out var entry))
            {
                return ValueTask.FromResult<OutboxEntry?>(null);
            }

            try
            {
                database.Db.Write(batch, database.BufferedWrite);
            }
            catch
            {
                ForgetSequence(webhookEvent.TenantId, webhookEvent.Partition);
                throw;
            }

            return ValueTask.FromResult(entry);
        }
    }

    /// <summary>
    /// Adds the event with the next sequence of its tenant's stream in <paramref name="partition"/>
    /// (and its outbox entry when the tenant has an endpoint) to <paramref name="batch"/>, unless an
    /// event with its id is stored. Only an event that <paramref name="mayBeStored"/> (a payment's,
    /// which its store records apart from the unit) is looked for, and gets an id row to be found
    /// by; a status change's event is written in one batch with the change, so a replay finds the
    /// change and publishes nothing (the id row of a dead letter is written when it dies, for
    /// <see cref="RedeliverAsync"/>). The sequence counts as used from here; if the batch is not
    /// written, <see cref="ForgetSequence"/> makes the next one read it from disk again.
    /// </summary>
    internal bool StagePublish(WriteBatch batch, WebhookEvent webhookEvent, int partition, DateTimeOffset deliverAt, bool mayBeStored, out OutboxEntry? entry)
    {
        entry = null;
        var idKey = mayBeStored ? StoreKeys.TenantPrefixed(webhookEvent.TenantId, Encoding.UTF8.GetBytes(webhookEvent.Id)) : null;
        var stream = Stream(webhookEvent.TenantId, partition);
        lock (stream.Gate)
        {
            if (idKey is not null && database.Db.Get(idKey, _eventIds) is not null)
            {
                return false;
            }

            if (stream.LastSeq < 0)
            {
                stream.LastSeq = LastSeqOnDisk(webhookEvent.TenantId, partition);
            }

            var seq = stream.LastSeq + 1;
            var stored = webhookEvent with { Seq = seq, Partition = partition };
            var key = StoreKeys.TenantPartitionSeq(stored.TenantId, partition, seq);
            batch.Put(key, EventRowCodec.Encode(stored), _events);
            if (idKey is not null)
            {
                batch.Put(idKey, Place(partition, seq), _eventIds);
            }

            // A tenant without an endpoint reads its events through GET /v1/events; queueing
            // deliveries nobody will receive would only cost a write and a delete per event.
            if (Subscription(stored.TenantId) is not null)
            {
                entry = new OutboxEntry(stored.TenantId, partition, seq, stored.Id, stored.ConversationId, 0, null, deliverAt, null);
                batch.Put(StoreKeys.Outbox(partition, stored.TenantId, seq), JsonSerializer.SerializeToUtf8Bytes(entry, CoreJsonContext.Default.OutboxEntry), _outbox);
            }

            stream.LastSeq = seq;
            return true;
        }
    }

    /// <summary>Where an event is: its partition and sequence, the value of its id row.</summary>
    private static byte[] Place(int partition, long seq)
    {
        var place = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(place, partition);
        BinaryPrimitives.WriteInt64BigEndian(place.AsSpan(4), seq);
        return place;
    }

    /// <summary>The lock of the tenant's stream in a partition (its sequences and publishing), for staging and writing as one step.</summary>
    internal Lock StreamGate(string tenantId, int partition) => Stream(tenantId, partition).Gate;

    /// <summary>A staged batch was not written: the stream's next sequence is read from disk again.</summary>
    internal void ForgetSequence(string tenantId, int partition)
    {
        var stream = Stream(tenantId, partition);
        lock (stream.Gate)
        {
            stream.LastSeq = -1;
        }
    }

    public ValueTask<WebhookEvent?> GetEventAsync(string tenantId, int partition, long seq, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReadEvent(tenantId, partition, seq));

    public ValueTask<IReadOnlyList<WebhookEvent>> ReadEventsAsync(string tenantId, int partition, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<WebhookEvent>>(ReadRange(_events, tenantId, partition, afterSeq, samePartition: true, limit, static row => EventRowCodec.Decode(row)));

    public ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(int partition, CancellationToken cancellationToken = default)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, partition);
        var entries = new List<OutboxEntry>();
        using var iterator = database.Db.NewIterator(_outbox);
        for (iterator.Seek(prefix.ToArray()); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix); iterator.Next())
        {
            entries.Add(JsonSerializer.Deserialize(iterator.GetValueSpan(), CoreJsonContext.Default.OutboxEntry)!);
        }

        return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(entries);
    }

    public ValueTask UpdateOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        var key = StoreKeys.Outbox(entry.Partition, entry.TenantId, entry.EventSeq);
        lock (_outboxLock)
        {
            // Only an entry still in the outbox is updated: a completed one must not come back.
            if (database.Db.Get(key, _outbox) is not null)
            {
                database.Db.Put(key, JsonSerializer.SerializeToUtf8Bytes(entry, CoreJsonContext.Default.OutboxEntry), _outbox, database.BufferedWrite);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_outboxLock)
        {
            database.Db.Remove(StoreKeys.Outbox(entry.Partition, entry.TenantId, entry.EventSeq), _outbox, database.BufferedWrite);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default)
    {
        var entry = deadLetter.Entry;
        var key = StoreKeys.TenantPartitionSeq(entry.TenantId, entry.Partition, entry.EventSeq);
        lock (_outboxLock)
        {
            using var batch = new WriteBatch();
            batch.Delete(StoreKeys.Outbox(entry.Partition, entry.TenantId, entry.EventSeq), _outbox);
            batch.Put(key, JsonSerializer.SerializeToUtf8Bytes(deadLetter, CoreJsonContext.Default.DeadLetter), _deadLetters);
            batch.Put(StoreKeys.TenantPrefixed(entry.TenantId, Encoding.UTF8.GetBytes(entry.EventId)), Place(entry.Partition, entry.EventSeq), _eventIds); // to be redelivered by id
            database.Db.Write(batch, database.BufferedWrite);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(string tenantId, int afterPartition, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<DeadLetter>>(ReadRange(_deadLetters, tenantId, afterPartition, afterSeq, samePartition: false, limit, static row => JsonSerializer.Deserialize(row, CoreJsonContext.Default.DeadLetter)!));

    public ValueTask<OutboxEntry?> RedeliverAsync(string tenantId, string eventId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var idKey = StoreKeys.TenantPrefixed(tenantId, Encoding.UTF8.GetBytes(eventId));
        if (database.Db.Get(idKey, _eventIds) is not { } place)
        {
            return ValueTask.FromResult<OutboxEntry?>(null);
        }

        var key = StoreKeys.TenantPartitionSeq(tenantId, BinaryPrimitives.ReadInt32BigEndian(place), BinaryPrimitives.ReadInt64BigEndian(place.AsSpan(4)));
        lock (_outboxLock)
        {
            if (database.Db.Get(key, _deadLetters) is not { } row)
            {
                return ValueTask.FromResult<OutboxEntry?>(null);
            }

            var dead = JsonSerializer.Deserialize(row, CoreJsonContext.Default.DeadLetter)!;
            var entry = dead.Entry with { Attempts = 0, FirstAttemptAt = null, NextAttemptAt = now, LastError = null };
            using var batch = new WriteBatch();
            batch.Delete(key, _deadLetters);
            batch.Put(StoreKeys.Outbox(entry.Partition, entry.TenantId, entry.EventSeq), JsonSerializer.SerializeToUtf8Bytes(entry, CoreJsonContext.Default.OutboxEntry), _outbox);
            database.Db.Write(batch, database.BufferedWrite);
            database.FlushWal(); // the business was told it is queued again
            return ValueTask.FromResult<OutboxEntry?>(entry);
        }
    }

    /// <summary>The tenant's endpoint, read from disk once per tenant (this process owns the database).</summary>
    private WebhookSubscription? Subscription(string tenantId)
    {
        if (_subscriptionCache.TryGetValue(tenantId, out var cached))
        {
            return cached;
        }

        var row = database.Db.Get(Encoding.UTF8.GetBytes(tenantId), _subscriptions);
        var subscription = row is null ? null : JsonSerializer.Deserialize(row, CoreJsonContext.Default.WebhookSubscription);
        lock (_subscriptionCache)
        {
            return _subscriptionCache.GetOrAdd(tenantId, subscription);
        }
    }

    private WebhookEvent? ReadEvent(string tenantId, int partition, long seq)
    {
        var row = database.Db.Get(StoreKeys.TenantPartitionSeq(tenantId, partition, seq), _events);
        return row is null ? null : EventRowCodec.Decode(row);
    }

    /// <summary>Rows after (partition, seq); only that partition's when <paramref name="samePartition"/>, else on through the next ones.</summary>
    private List<T> ReadRange<T>(ColumnFamilyHandle family, string tenantId, int partition, long afterSeq, bool samePartition, int limit, Func<byte[], T> read)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var prefix = StoreKeys.TenantPrefixed(tenantId, []);
        var items = new List<T>(Math.Min(limit, 256));
        using var iterator = database.Db.NewIterator(family);
        for (iterator.Seek(StoreKeys.TenantPartitionSeq(tenantId, partition, afterSeq + 1)); iterator.Valid() && items.Count < limit; iterator.Next())
        {
            var key = iterator.GetKeySpan();
            if (key.Length != prefix.Length + 12 || !key.StartsWith(prefix) || (samePartition && StoreKeys.TrailingPartition(key) != partition))
            {
                break;
            }

            items.Add(read(iterator.Value()));
        }

        return items;
    }

    private TenantStream Stream(string tenantId, int partition) => _streams.GetOrAdd((tenantId, partition), static _ => new TenantStream());

    /// <summary>The last sequence of the stream on disk: found once per stream, then counted in memory.</summary>
    private long LastSeqOnDisk(string tenantId, int partition)
    {
        using var iterator = database.Db.NewIterator(_events);
        iterator.SeekForPrev(StoreKeys.TenantPartitionSeq(tenantId, partition, long.MaxValue));
        var prefix = StoreKeys.TenantPrefixed(tenantId, []);
        var key = iterator.Valid() ? iterator.GetKeySpan() : default;
        return key.Length == prefix.Length + 12 && key.StartsWith(prefix) && StoreKeys.TrailingPartition(key) == partition
            ? StoreKeys.TrailingSeq(key)
            : 0;
    }

    /// <summary>One tenant's publishing in one partition: its lock and the last sequence it assigned (-1 until read from disk).</summary>
    private sealed class TenantStream
    {
        public Lock Gate { get; } = new();

        public long LastSeq { get; set; } = -1;
    }
}
