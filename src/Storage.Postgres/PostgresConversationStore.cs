using System.Text.Json;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// The conversation store on PostgreSQL, shared by every node. Each port call is one round trip:
/// multi-row writes go as one <see cref="NpgsqlBatch"/> (atomic: an error rolls back the whole
/// batch). The <c>Stage*</c> methods add a write's statements to a caller's batch, so a unit of
/// dispatch work goes in one round trip too; the public writes use the very same statements.
/// Idempotency records live for <c>idempotencyRetention</c> after they were created, as on the
/// embedded store: expired ones read as absent, a claim takes their key over atomically, and
/// <see cref="RemoveExpiredIdempotencyAsync"/> deletes them oldest first.
/// </summary>
public sealed class PostgresConversationStore : IConversationStore
{
    private const string UpsertMessageSql =
        "INSERT INTO messages (message_id, conversation_id, body) VALUES ($1, $2, $3) " +
        "ON CONFLICT (message_id) DO UPDATE SET conversation_id = excluded.conversation_id, body = excluded.body";

    private const string UpsertStatusSql =
        "INSERT INTO statuses (message_id, seq, body) VALUES ($1, $2, $3) " +
        "ON CONFLICT (message_id, seq) DO UPDATE SET body = excluded.body";

    // Cassandra's INSERT … IF NOT EXISTS: the first header of a conversation stays.
    private const string OpenConversationSql =
        "INSERT INTO conversations (conversation_id, tenant_id, body) VALUES ($1, $2, $3) ON CONFLICT (conversation_id) DO NOTHING";

    // One statement, so the timeline row, the message's place and the counters land together.
    private const string AppendToTimelineSql =
        "WITH placed AS (" +
        "  INSERT INTO timeline (conversation_id, seq, message_id) VALUES ($1, $2, $3) " +
        "  ON CONFLICT (conversation_id, seq) DO UPDATE SET message_id = excluded.message_id), " +
        "seq AS (" +
        "  INSERT INTO message_seq (message_id, conversation_seq) VALUES ($3, $2) " +
        "  ON CONFLICT (message_id) DO UPDATE SET conversation_seq = excluded.conversation_seq) " +
        "INSERT INTO conversation_stats (conversation_id, last_seq, body) VALUES ($1, $4, $5) " +
        "ON CONFLICT (conversation_id) DO UPDATE SET last_seq = excluded.last_seq, body = excluded.body";

    private const string ReadMessageSql = "SELECT body FROM messages WHERE message_id = $1";
    private const string ReadStatusesSql = "SELECT body FROM statuses WHERE message_id = $1 ORDER BY seq";
    private const string ReadMessageSeqSql = "SELECT conversation_seq FROM message_seq WHERE message_id = $1";
    private const string ReadConversationSql = "SELECT body FROM conversations WHERE conversation_id = $1";
    private const string ReadStatsSql = "SELECT body FROM conversation_stats WHERE conversation_id = $1";

    private const string ReadTimelineSql =
        "SELECT seq, message_id FROM timeline WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

    private const string ReadLiveIdempotencySql =
        "SELECT body FROM idempotency WHERE tenant_id = $1 AND key = $2 AND created_at > $3";

    // Cassandra's INSERT … IF NOT EXISTS, where a record past its TTL does not exist: the conflict
    // arbiter makes it atomic across nodes, and an expired holder is replaced in the same statement.
    private const string ClaimIdempotencySql =
        "INSERT INTO idempotency AS held (tenant_id, key, created_at, body) VALUES ($1, $2, $3, $4) " +
        "ON CONFLICT (tenant_id, key) DO UPDATE SET created_at = excluded.created_at, body = excluded.body " +
        "WHERE held.created_at <= $5";

    private const string PutIdempotencySql =
        "INSERT INTO idempotency (tenant_id, key, created_at, body) VALUES ($1, $2, $3, $4) " +
        "ON CONFLICT (tenant_id, key) DO UPDATE SET created_at = excluded.created_at, body = excluded.body";

    private const string DeleteIdempotencySql = "DELETE FROM idempotency WHERE tenant_id = $1 AND key = $2";

    // Oldest first through idempotency_by_age; SKIP LOCKED lets two nodes sweep at once, and the
    // outer condition is checked again on the row a claim may just have renewed.
    private const string RemoveExpiredIdempotencySql =
        "DELETE FROM idempotency WHERE (tenant_id, key) IN (" +
        "  SELECT tenant_id, key FROM idempotency WHERE created_at <= $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) " +
        "AND created_at <= $1";

    /// <summary>What <c>API.md</c> promises: a key is kept at least 24 hours.</summary>
    public static readonly TimeSpan DefaultIdempotencyRetention = TimeSpan.FromHours(24);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _idempotencyRetention;
    private readonly TimeProvider _time;

    public PostgresConversationStore(NpgsqlDataSource dataSource, TimeSpan? idempotencyRetention = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _idempotencyRetention = idempotencyRetention ?? DefaultIdempotencyRetention;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_idempotencyRetention, TimeSpan.Zero, nameof(idempotencyRetention));
        _time = time ?? TimeProvider.System;
        _dataSource = dataSource;
    }

    public async ValueTask PutMessageAsync(Message message, IReadOnlyList<StatusChange> statuses, CancellationToken cancellationToken = default)
    {
        await using var batch = _dataSource.CreateBatch();
        StageMessage(batch, message);
        foreach (var status in statuses)
        {
            StageStatus(batch, message.Id, status);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask AppendStatusAsync(Guid messageId, StatusChange change, CancellationToken cancellationToken = default)
    {
        await using var batch = _dataSource.CreateBatch();
        StageStatus(batch, messageId, change);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds one status change of a message (an upsert on its sequence) to <paramref name="batch"/>.</summary>
    internal static void StageStatus(NpgsqlBatch batch, Guid messageId, StatusChange change) =>
        batch.BatchCommands.Add(Sql.Command(UpsertStatusSql, Sql.Uuid(messageId), Sql.Int(change.Seq), Sql.Json(change, CoreJsonContext.Default.StatusChange)));

    public async ValueTask<StoredMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        // Three partitions of one key, three statements in one round trip: no join.
        await using var batch = Sql.Batch(
            _dataSource,
            Sql.Command(ReadMessageSql, Sql.Uuid(messageId)),
            Sql.Command(ReadStatusesSql, Sql.Uuid(messageId)),
            Sql.Command(ReadMessageSeqSql, Sql.Uuid(messageId)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var message = MessageRowCodec.Decode(reader.GetFieldValue<byte[]>(0));
        await reader.NextResultAsync(cancellationToken);
        var (history, seq) = await ReadProgressAsync(reader, cancellationToken);
        return new StoredMessage(message, history, seq);
    }

    public async ValueTask<MessagePlacement> GetPlacementAsync(Guid messageId, string conversationId, CancellationToken cancellationToken = default)
    {
        // Three partitions' keys, three statements in one round trip; the message row is not read.
        await using var batch = Sql.Batch(
            _dataSource,
            Sql.Command(ReadStatusesSql, Sql.Uuid(messageId)),
            Sql.Command(ReadMessageSeqSql, Sql.Uuid(messageId)),
            Sql.Command(ReadStatsSql, Sql.Text(conversationId)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var (history, seq) = await ReadProgressAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var stats = await reader.ReadAsync(cancellationToken)
            ? Sql.Deserialize(reader.GetFieldValue<byte[]>(0), CoreJsonContext.Default.ConversationStats)
            : ConversationStats.Empty;
        return new MessagePlacement(history, seq, stats);
    }

    /// <summary>Reads the results of <c>ReadStatusesSql</c> and <c>ReadMessageSeqSql</c>, in that order, from the current one.</summary>
    private static async ValueTask<(List<StatusChange> History, long? Seq)> ReadProgressAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var history = new List<StatusChange>(4);
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(Sql.Deserialize(reader.GetFieldValue<byte[]>(0), CoreJsonContext.Default.StatusChange));
        }

        await reader.NextResultAsync(cancellationToken);
        long? seq = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
        return (history, seq);
    }

    public async ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
        {
            return;
        }

        await using var batch = _dataSource.CreateBatch();
        StageAccepted(batch, messages);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Each message's row is its log record's bytes: encoded once, for the log and the store.</summary>
    public async ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count != messages.Count)
        {
            throw new ArgumentException("One log record per message.", nameof(records));
        }

        if (messages.Count == 0)
        {
            return;
        }

        await using var batch = _dataSource.CreateBatch();
        StageAccepted(batch, messages, records);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Adds newly accepted messages to <paramref name="batch"/>: each message row, its <c>accepted</c>
    /// status (sequence 1), and the header of its conversation unless one exists (in list order, so
    /// the first message of a conversation opens it).
    /// </summary>
    internal static void StageAccepted(NpgsqlBatch batch, IReadOnlyList<Message> messages, IReadOnlyList<LogRecord>? records = null)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            StageMessage(batch, message, records is null ? null : MessageRowCodec.FromLogRecord(records[i].Value.Span));
            StageStatus(batch, message.Id, new StatusChange(MessageStatus.Accepted, message.AcceptedAt, 1));
            batch.BatchCommands.Add(Sql.Command(
                OpenConversationSql,
                Sql.Text(message.ConversationId),
                Sql.Text(message.TenantId),
                Sql.Json(ConversationSummary.OpenedBy(message), CoreJsonContext.Default.ConversationSummary)));
        }
    }

    public async ValueTask<ConversationSummary?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadConversationSql, Sql.Text(conversationId)), cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.ConversationSummary);
    }

    public async ValueTask<ConversationStats> GetConversationStatsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadStatsSql, Sql.Text(conversationId)), cancellationToken);
        return body is null ? ConversationStats.Empty : Sql.Deserialize(body, CoreJsonContext.Default.ConversationStats);
    }

    public async ValueTask AppendToTimelineAsync(TimelineAppend append, CancellationToken cancellationToken = default)
    {
        await using var batch = _dataSource.CreateBatch();
        StageTimeline(batch, append);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds the timeline row, the message's sequence and the conversation's counters (one statement) to <paramref name="batch"/>.</summary>
    internal static void StageTimeline(NpgsqlBatch batch, TimelineAppend append) =>
        batch.BatchCommands.Add(Sql.Command(
            AppendToTimelineSql,
            Sql.Text(append.Message.ConversationId),
            Sql.Long(append.Seq),
            Sql.Uuid(append.Message.Id),
            Sql.Long(append.Stats.LastSeq),
            Sql.Json(append.Stats, CoreJsonContext.Default.ConversationStats)));

    public async ValueTask<IReadOnlyList<TimelineEntry>> ReadTimelineAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var batch = Sql.Batch(_dataSource, Sql.Command(ReadTimelineSql, Sql.Text(conversationId), Sql.Long(afterSeq), Sql.Int(limit)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var entries = new List<TimelineEntry>(Math.Min(limit, 256));
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new TimelineEntry(reader.GetInt64(0), reader.GetGuid(1)));
        }

        return entries;
    }

    public async ValueTask<IdempotencyRecord?> GetIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(
            _dataSource,
            Sql.Command(ReadLiveIdempotencySql, Sql.Text(tenantId), Sql.Text(key), Sql.Time(ExpiredAtOrBefore())),
            cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.IdempotencyRecord);
    }

    public async ValueTask<IdempotencyRecord?> ClaimIdempotencyAsync(IdempotencyRecord claim, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(claim, CoreJsonContext.Default.IdempotencyRecord);
        while (true)
        {
            var applied = await Sql.ExecuteAsync(
                _dataSource,
                Sql.Command(ClaimIdempotencySql, Sql.Text(claim.TenantId), Sql.Text(claim.Key), Sql.Time(claim.CreatedAt), Sql.Bytes(body), Sql.Time(ExpiredAtOrBefore())),
                cancellationToken);
            if (applied > 0)
            {
                return null;
            }

            // A live record holds the key. Read it in a new statement, which sees the holder that
            // stopped the claim (and any completion since); if it was deleted meanwhile, claim again.
            if (await GetIdempotencyAsync(claim.TenantId, claim.Key, cancellationToken) is { } holder)
            {
                return holder;
            }
        }
    }

    public async ValueTask PutIdempotencyAsync(IdempotencyRecord record, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(PutIdempotencySql, Sql.Text(record.TenantId), Sql.Text(record.Key), Sql.Time(record.CreatedAt), Sql.Json(record, CoreJsonContext.Default.IdempotencyRecord)),
            cancellationToken);

    public async ValueTask DeleteIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(_dataSource, Sql.Command(DeleteIdempotencySql, Sql.Text(tenantId), Sql.Text(key)), cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> expired idempotency records, oldest first (what
    /// Cassandra's TTL and compaction do by themselves). Returns how many it deleted; fewer than
    /// <paramref name="limit"/> means nothing expired is left (but rows another node is sweeping).
    /// </summary>
    public async Task<int> RemoveExpiredIdempotencyAsync(int limit = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(RemoveExpiredIdempotencySql, Sql.Time(ExpiredAtOrBefore()), Sql.Int(limit)),
            cancellationToken);
    }

    private static void StageMessage(NpgsqlBatch batch, Message message, byte[]? row = null) =>
        batch.BatchCommands.Add(Sql.Command(
            UpsertMessageSql,
            Sql.Uuid(message.Id),
            Sql.Text(message.ConversationId),
            Sql.Bytes(row ?? MessageRowCodec.Encode(message))));

    /// <summary>A record created at or before this has expired (as on the embedded store: live while created + retention is after now).</summary>
    private DateTimeOffset ExpiredAtOrBefore() => _time.GetUtcNow() - _idempotencyRetention;
}
