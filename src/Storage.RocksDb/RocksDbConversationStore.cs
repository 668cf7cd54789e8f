using System.Buffers.Binary;
using System.Text.Json;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// The conversation store on the embedded RocksDB. Writes go to the write-ahead log without an
/// fsync of their own: everything they hold can be rebuilt from the (synced) message log, and the
/// next synced log append makes them durable too, since both share one database.
/// A message is stored in its <c>accepted</c> status row (the first of its history), which
/// carries the message's log record; the messages family holds only rows written before that
/// layout (still read) and messages stored without a first status.
/// Idempotency records live for <c>idempotencyRetention</c> after they were created, like a
/// Cassandra table's default TTL: once expired they read as absent, and
/// <see cref="RemoveExpiredIdempotency"/> deletes them, oldest first, through an index by age.
/// </summary>
public sealed class RocksDbConversationStore : IConversationStore
{
    private const int ClaimStripes = 64;
    private const int OpenedConversationsKept = 65_536; // two generations of this many ids

    /// <summary>What <c>API.md</c> promises: a key is kept at least 24 hours.</summary>
    public static readonly TimeSpan DefaultIdempotencyRetention = TimeSpan.FromHours(24);

    private readonly EmbeddedDatabase _database;
    private readonly ColumnFamilyHandle _messages;
    private readonly ColumnFamilyHandle _statuses;
    private readonly ColumnFamilyHandle _messageSeq;
    private readonly ColumnFamilyHandle _conversations;
    private readonly ColumnFamilyHandle _stats;
    private readonly ColumnFamilyHandle _timeline;
    private readonly ColumnFamilyHandle _idempotency;
    private readonly ColumnFamilyHandle _idempotencyByAge;
    private readonly TimeSpan _idempotencyRetention;
    private readonly TimeProvider _time;
    private readonly Lock[] _claimLocks = new Lock[ClaimStripes];
    private readonly Lock _conversationLock = new();

    // Conversations known to have their header: it is written once and never removed, so a
    // message to one of them needs no read to find out (that read was 11 % of batch accepting).
    private readonly RecentEntries<string, bool> _opened = new(OpenedConversationsKept);

    public RocksDbConversationStore(EmbeddedDatabase database, TimeSpan? idempotencyRetention = null, TimeProvider? time = null)
    {
        _idempotencyRetention = idempotencyRetention ?? DefaultIdempotencyRetention;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_idempotencyRetention, TimeSpan.Zero, nameof(idempotencyRetention));
        _time = time ?? TimeProvider.System;
        _database = database;
        _messages = database.Family(EmbeddedDatabase.MessagesFamily);
        _statuses = database.Family(EmbeddedDatabase.StatusesFamily);
        _messageSeq = database.Family(EmbeddedDatabase.MessageSeqFamily);
        _conversations = database.Family(EmbeddedDatabase.ConversationsFamily);
        _stats = database.Family(EmbeddedDatabase.ConversationStatsFamily);
        _timeline = database.Family(EmbeddedDatabase.TimelineFamily);
        _idempotency = database.Family(EmbeddedDatabase.IdempotencyFamily);
        _idempotencyByAge = database.Family(EmbeddedDatabase.IdempotencyByAgeFamily);
        for (var i = 0; i < ClaimStripes; i++)
        {
            _claimLocks[i] = new Lock();
        }
    }

    public ValueTask PutMessageAsync(Message message, IReadOnlyList<StatusChange> statuses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(statuses);
        using var batch = new WriteBatch();
        var carried = false;
        foreach (var status in statuses)
        {
            if (status is { Seq: 1, Code: null } && !carried)
            {
                // As on accepting: the first status carries the message.
                batch.Put(StoreKeys.Status(message.Id, 1), StatusRowCodec.EncodeWithMessage(status, message), _statuses);
                carried = true;
                continue;
            }

            batch.Put(StoreKeys.Status(message.Id, status.Seq), StatusRowCodec.Encode(status), _statuses);
        }

        if (!carried)
        {
            batch.Put(StoreKeys.Message(message.Id), MessageRowCodec.Encode(message), _messages);
        }

        _database.Db.Write(batch, _database.BufferedWrite);
        return ValueTask.CompletedTask;
    }

    public ValueTask AppendStatusAsync(Guid messageId, StatusChange change, CancellationToken cancellationToken = default)
    {
        using var batch = new WriteBatch();
        StageStatus(batch, messageId, change);
        _database.Db.Write(batch, _database.BufferedWrite);
        return ValueTask.CompletedTask;
    }

    internal void StageStatus(WriteBatch batch, Guid messageId, StatusChange change) =>
        batch.Put(StoreKeys.Status(messageId, change.Seq), StatusRowCodec.Encode(change), _statuses);

    public ValueTask<StoredMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        var key = StoreKeys.Message(messageId);
        var (history, seq, message) = ReadProgress(key, withMessage: true);
        if (message is null && _database.Db.Get(key, _messages) is { } row)
        {
            message = MessageRowCodec.Decode(row); // stored before its accepted status carried it, or without that status
        }

        return ValueTask.FromResult(message is null ? null : new StoredMessage(message, history, seq));
    }

    public ValueTask<MessagePlacement> GetPlacementAsync(Guid messageId, string conversationId, CancellationToken cancellationToken = default)
    {
        var (history, seq, _) = ReadProgress(StoreKeys.Message(messageId), withMessage: false);
        var statsRow = _database.Db.Get(StoreKeys.Conversation(conversationId), _stats);
        return ValueTask.FromResult(new MessagePlacement(history, seq, statsRow is null ? ConversationStats.Empty : StatsRowCodec.Decode(statsRow)));
    }

    /// <summary>
    /// A message's status history (in sequence order), its place on the timeline if placed and,
    /// when asked, the message its <c>accepted</c> status carries.
    /// </summary>
    private (List<StatusChange> History, long? Seq, Message? Message) ReadProgress(byte[] messageKey, bool withMessage)
    {
        var history = new List<StatusChange>(4);
        Message? message = null;
        using (var iterator = _database.Db.NewIterator(_statuses))
        {
            for (iterator.Seek(messageKey); iterator.Valid() && iterator.GetKeySpan().StartsWith(messageKey); iterator.Next())
            {
                var row = iterator.GetValueSpan();
                history.Add(StatusRowCodec.Decode(row));
                if (withMessage && history.Count == 1)
                {
                    message = StatusRowCodec.MessageIn(row);
                }
            }
        }

        var seqRow = _database.Db.Get(messageKey, _messageSeq);
        return (history, seqRow is null ? null : BinaryPrimitives.ReadInt64BigEndian(seqRow), message);
    }

    public ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        PutAccepted(messages);
        return ValueTask.CompletedTask;
    }

    /// <summary>Each message's row is its log record's bytes: encoded once, for the log and the store.</summary>
    public ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count != messages.Count)
        {
            throw new ArgumentException("One log record per message.", nameof(records));
        }

        PutAccepted(messages, records);
        return ValueTask.CompletedTask;
    }

    internal void PutAccepted(IReadOnlyList<Message> messages, IReadOnlyList<LogRecord>? records = null)
    {
        using var batch = new WriteBatch();
        List<Message>? opening = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            // One row: the accepted status carrying the message's log record (encoded once, for both).
            var accepted = new StatusChange(MessageStatus.Accepted, message.AcceptedAt, 1);
            var row = records is null
                ? StatusRowCodec.EncodeWithMessage(accepted, message)
                : StatusRowCodec.EncodeWithMessage(accepted, records[i].Value.Span);
            batch.Put(StoreKeys.Status(message.Id, accepted.Seq), row, _statuses);
            if (_opened.TryGet(message.ConversationId, out _))
            {
                continue;
            }

            if (_database.Db.Get(StoreKeys.Conversation(message.ConversationId), _conversations) is null)
            {
                (opening ??= []).Add(message);
            }
            else
            {
                _opened.Remember(message.ConversationId, true);
            }
        }

        if (opening is null)
        {
            _database.Db.Write(batch, _database.BufferedWrite); // the common case: existing conversations, no lock
            return;
        }

        lock (_conversationLock)
        {
            var opened = new HashSet<string>(StringComparer.Ordinal);
            foreach (var message in opening)
            {
                var key = StoreKeys.Conversation(message.ConversationId);
                if (opened.Add(message.ConversationId) && _database.Db.Get(key, _conversations) is null)
                {
                    batch.Put(key, JsonSerializer.SerializeToUtf8Bytes(ConversationSummary.OpenedBy(message), CoreJsonContext.Default.ConversationSummary), _conversations);
                }
            }

            _database.Db.Write(batch, _database.BufferedWrite);
            foreach (var conversationId in opened)
            {
                _opened.Remember(conversationId, true);
            }
        }
    }

    public ValueTask<ConversationSummary?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var row = _database.Db.Get(StoreKeys.Conversation(conversationId), _conversations);
        return ValueTask.FromResult(row is null ? null : JsonSerializer.Deserialize(row, CoreJsonContext.Default.ConversationSummary));
    }

    public ValueTask<ConversationStats> GetConversationStatsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var row = _database.Db.Get(StoreKeys.Conversation(conversationId), _stats);
        return ValueTask.FromResult(row is null ? ConversationStats.Empty : StatsRowCodec.Decode(row));
    }

    public ValueTask AppendToTimelineAsync(TimelineAppend append, CancellationToken cancellationToken = default)
    {
        using var batch = new WriteBatch();
        StageTimeline(batch, append);
        _database.Db.Write(batch, _database.BufferedWrite);
        return ValueTask.CompletedTask;
    }

    internal void StageTimeline(WriteBatch batch, TimelineAppend append)
    {
        var conversationId = append.Message.ConversationId;
        var seqBytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(seqBytes, append.Seq);
        batch.Put(StoreKeys.Timeline(conversationId, append.Seq), StoreKeys.Message(append.Message.Id), _timeline);
        batch.Put(StoreKeys.Message(append.Message.Id), seqBytes, _messageSeq);
        batch.Put(StoreKeys.Conversation(conversationId), StatsRowCodec.Encode(append.Stats), _stats);
    }

    public ValueTask<IReadOnlyList<TimelineEntry>> ReadTimelineAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var prefix = StoreKeys.Conversation(conversationId);
        var entries = new List<TimelineEntry>(Math.Min(limit, 256));
        using var iterator = _database.Db.NewIterator(_timeline);
        for (iterator.Seek(StoreKeys.Timeline(conversationId, afterSeq + 1)); iterator.Valid() && entries.Count < limit; iterator.Next())
        {
            var key = iterator.GetKeySpan();
            if (key.Length != prefix.Length + 9 || !key.StartsWith(prefix))
            {
                break;
            }

            entries.Add(new TimelineEntry(StoreKeys.TimelineSeq(key), new Guid(iterator.GetValueSpan(), bigEndian: true)));
        }

        return ValueTask.FromResult<IReadOnlyList<TimelineEntry>>(entries);
    }

    public ValueTask<IdempotencyRecord?> GetIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReadLiveIdempotency(StoreKeys.Idempotency(tenantId, key)));

    public ValueTask<IdempotencyRecord?> ClaimIdempotencyAsync(IdempotencyRecord claim, CancellationToken cancellationToken = default)
    {
        var key = StoreKeys.Idempotency(claim.TenantId, claim.Key);
        // A lightweight transaction in Cassandra; here a lock per key stripe makes read-then-insert atomic.
        lock (ClaimLock(claim.TenantId, claim.Key))
        {
            if (ReadLiveIdempotency(key) is { } holder)
            {
                return ValueTask.FromResult<IdempotencyRecord?>(holder);
            }

            WriteIdempotency(key, claim);
            return ValueTask.FromResult<IdempotencyRecord?>(null);
        }
    }

    public ValueTask PutIdempotencyAsync(IdempotencyRecord record, CancellationToken cancellationToken = default)
    {
        var key = StoreKeys.Idempotency(record.TenantId, record.Key);
        lock (ClaimLock(record.TenantId, record.Key))
        {
            WriteIdempotency(key, record);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default)
    {
        lock (ClaimLock(tenantId, key))
        {
            // Its entry in the age index stays; the next sweep drops it.
            _database.Db.Remove(StoreKeys.Idempotency(tenantId, key), _idempotency, _database.BufferedWrite);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> expired idempotency records, oldest first (what
    /// Cassandra's TTL and compaction do by themselves). Returns how many index entries it went
    /// through; fewer than <paramref name="limit"/> means nothing expired is left.
    /// </summary>
    public int RemoveExpiredIdempotency(int limit = 10_000)
    {
        var cutoff = _time.GetUtcNow() - _idempotencyRetention;
        var visited = 0;
        using var batch = new WriteBatch();
        using (var iterator = _database.Db.NewIterator(_idempotencyByAge))
        {
            for (iterator.SeekToFirst(); iterator.Valid() && visited < limit; iterator.Next())
            {
                var indexKey = iterator.Key();
                if (StoreKeys.IdempotencyCreatedAt(indexKey) > cutoff)
                {
                    break;
                }

                visited++;
                batch.Delete(indexKey, _idempotencyByAge);
                var key = indexKey.AsSpan(8).ToArray();
                if (ReadIdempotency(key) is not { } record)
                {
                    continue; // deleted (nothing was accepted) or removed by an earlier entry
                }

                lock (ClaimLock(record.TenantId, record.Key))
                {
                    // Read again under the lock: a claim may have just replaced the expired record.
                    if (ReadIdempotency(key) is { } current && !IsLive(current))
                    {
                        _database.Db.Remove(key, _idempotency, _database.BufferedWrite);
                    }
                }
            }
        }

        if (visited > 0)
        {
            _database.Db.Write(batch, _database.BufferedWrite);
        }

        return visited;
    }

    private void WriteIdempotency(byte[] key, IdempotencyRecord record)
    {
        using var batch = new WriteBatch();
        batch.Put(key, JsonSerializer.SerializeToUtf8Bytes(record, CoreJsonContext.Default.IdempotencyRecord), _idempotency);
        batch.Put(StoreKeys.IdempotencyByAge(record.CreatedAt, key), Array.Empty<byte>(), _idempotencyByAge);
        _database.Db.Write(batch, _database.BufferedWrite);
    }

    private bool IsLive(IdempotencyRecord record) => record.CreatedAt + _idempotencyRetention > _time.GetUtcNow();

    private IdempotencyRecord? ReadLiveIdempotency(byte[] key) => ReadIdempotency(key) is { } record && IsLive(record) ? record : null;

    private IdempotencyRecord? ReadIdempotency(byte[] key)
    {
        var row = _database.Db.Get(key, _idempotency);
        return row is null ? null : JsonSerializer.Deserialize(row, CoreJsonContext.Default.IdempotencyRecord);
    }

    private Lock ClaimLock(string tenantId, string key) => _claimLocks[(uint)HashCode.Combine(tenantId, key) % ClaimStripes];
}
