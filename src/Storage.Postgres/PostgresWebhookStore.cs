using System.Collections.Concurrent;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Webhook endpoints, the tenants' event streams per log partition, the outbox and dead letters,
/// on PostgreSQL. An event's number is taken inside the statement that stores it (the stream's
/// max + 1), so a replayed event (same id) takes no number and the stream has no gap; the
/// partition's owner is the only writer, and a node that lost the partition without knowing it
/// yet fails on the primary key instead of numbering twice. Endpoints are read on every use, so
/// one set through any node is used by all.
/// </summary>
public sealed class PostgresWebhookStore : IWebhookStore
{
    // One statement, one result row: the event's number (null when the id was stored before) and
    // whether it was queued for delivery (only when the tenant has an endpoint).
    private const string PublishSql =
        "WITH next AS (SELECT coalesce(max(seq), 0) + 1 AS seq FROM events WHERE tenant_id = $1 AND log_partition = $2), " +
        "claimed AS (INSERT INTO event_ids (tenant_id, event_id, log_partition, seq) SELECT $1, $3, $2, seq FROM next " +
        "  ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING seq), " +
        "stored AS (INSERT INTO events (tenant_id, log_partition, seq, event_id, type, conversation_id, created_at, body) " +
        "  SELECT $1, $2, seq, $3, $4, $5, $6, $7 FROM claimed RETURNING seq), " +
        "queued AS (INSERT INTO outbox (tenant_id, log_partition, seq, event_id, conversation_id, attempts, next_attempt_at) " +
        "  SELECT $1, $2, seq, $3, $5, 0, $8 FROM stored WHERE EXISTS (SELECT 1 FROM webhook_subscriptions WHERE tenant_id = $1) RETURNING seq) " +
        "SELECT (SELECT seq FROM stored), EXISTS (SELECT 1 FROM queued)";

    private const string EventColumns = "event_id, type, conversation_id, created_at, body, seq, log_partition";
    private const string OutboxColumns = "tenant_id, log_partition, seq, event_id, conversation_id, attempts, first_attempt_at, next_attempt_at, last_error";

    private const string GetSubscriptionSql = "SELECT body FROM webhook_subscriptions WHERE tenant_id = $1";
    private const string PutSubscriptionSql =
        "INSERT INTO webhook_subscriptions (tenant_id, body) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body";

    private const string GetEventSql = "SELECT " + EventColumns + " FROM events WHERE tenant_id = $1 AND log_partition = $2 AND seq = $3";
    private const string ReadEventsSql =
        "SELECT " + EventColumns + " FROM events WHERE tenant_id = $1 AND log_partition = $2 AND seq > $3 ORDER BY seq LIMIT $4";

    private const string ReadPartitionOutboxSql = "SELECT " + OutboxColumns + " FROM outbox WHERE log_partition = $1";

    // Only an entry still in the outbox is updated: a completed one must not come back.
    private const string UpdateOutboxSql =
        "UPDATE outbox SET attempts = $4, first_attempt_at = $5, next_attempt_at = $6, last_error = $7 " +
        "WHERE tenant_id = $1 AND log_partition = $2 AND seq = $3";

    private const string CompleteOutboxSql = "DELETE FROM outbox WHERE tenant_id = $1 AND log_partition = $2 AND seq = $3";

    private const string DeadLetterSql =
        "WITH gone AS (DELETE FROM outbox WHERE tenant_id = $1 AND log_partition = $2 AND seq = $3) " +
        "INSERT INTO dead_letters (tenant_id, log_partition, seq, event_id, body) VALUES ($1, $2, $3, $4, $5) " +
        "ON CONFLICT (tenant_id, log_partition, seq) DO UPDATE SET body = excluded.body";

    private const string ReadDeadLettersSql =
        "SELECT body FROM dead_letters WHERE tenant_id = $1 AND (log_partition, seq) > ($2, $3) ORDER BY log_partition, seq LIMIT $4";

    // Found by event id, moved back in one statement: two redeliveries at once move it once.
    private const string RedeliverSql =
        "WITH place AS (SELECT log_partition, seq FROM event_ids WHERE tenant_id = $1 AND event_id = $2), " +
        "gone AS (DELETE FROM dead_letters d USING place WHERE d.tenant_id = $1 AND d.log_partition = place.log_partition AND d.seq = place.seq RETURNING d.body) " +
        "SELECT body FROM gone";

    private const string RequeueSql =
        "INSERT INTO outbox (" + OutboxColumns + ") VALUES ($1, $2, $3, $4, $5, 0, NULL, $6, NULL) " +
        "ON CONFLICT (tenant_id, log_partition, seq) DO UPDATE SET attempts = 0, first_attempt_at = NULL, next_attempt_at = excluded.next_attempt_at, last_error = NULL";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<(string TenantId, int Partition), SemaphoreSlim> _streams = new();

    public PostgresWebhookStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(GetSubscriptionSql, Sql.Text(tenantId)), cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.WebhookSubscription);
    }

    public async ValueTask PutSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(PutSubscriptionSql, Sql.Text(subscription.TenantId), Sql.Json(subscription, CoreJsonContext.Default.WebhookSubscription)),
            cancellationToken);
    }

    public async ValueTask<OutboxEntry?> PublishAsync(WebhookEvent webhookEvent, DateTimeOffset deliverAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        await using var batch = _dataSource.CreateBatch();
        StagePublish(batch, webhookEvent, webhookEvent.Partition, deliverAt);
        var stream = StreamGate(webhookEvent.TenantId, webhookEvent.Partition);
        await stream.WaitAsync(cancellationToken);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            return await ReadPublishedAsync(reader, webhookEvent, webhookEvent.Partition, deliverAt, cancellationToken);
        }
        finally
        {
            stream.Release();
        }
    }

    /// <summary>
    /// The turn of one node's writers into a (tenant, partition) stream: held across a write that
    /// numbers events, so two lanes do not take the same number (the primary key would refuse the second).
    /// </summary>
    internal SemaphoreSlim StreamGate(string tenantId, int partition) =>
        _streams.GetOrAdd((tenantId, partition), static _ => new SemaphoreSlim(1, 1));

    /// <summary>Adds the statement that stores the event in <paramref name="partition"/>'s stream (and queues it) to <paramref name="batch"/>; it returns one row, read by <see cref="ReadPublishedAsync"/>.</summary>
    internal static void StagePublish(NpgsqlBatch batch, WebhookEvent webhookEvent, int partition, DateTimeOffset deliverAt) =>
        batch.BatchCommands.Add(Sql.Command(
            PublishSql,
            Sql.Text(webhookEvent.TenantId),
            Sql.Int(partition),
            Sql.Text(webhookEvent.Id),
            Sql.Text(webhookEvent.Type),
            Sql.Text(webhookEvent.ConversationId),
            Sql.Time(webhookEvent.CreatedAt),
            Sql.Bytes(webhookEvent.Body),
            Sql.Time(deliverAt)));

    /// <summary>Reads the row of one staged publish (the reader on its result); the outbox entry when one was queued.</summary>
    internal static async ValueTask<OutboxEntry?> ReadPublishedAsync(NpgsqlDataReader reader, WebhookEvent webhookEvent, int partition, DateTimeOffset deliverAt, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0) || !reader.GetBoolean(1))
        {
            return null;
        }

        return new OutboxEntry(webhookEvent.TenantId, partition, reader.GetInt64(0), webhookEvent.Id, webhookEvent.ConversationId, 0, null, deliverAt, null);
    }

    public async ValueTask<WebhookEvent?> GetEventAsync(string tenantId, int partition, long seq, CancellationToken cancellationToken = default)
    {
        var events = await ReadEventsAsync(Sql.Command(GetEventSql, Sql.Text(tenantId), Sql.Int(partition), Sql.Long(seq)), tenantId, cancellationToken);
        return events.Count == 0 ? null : events[0];
    }

    public async ValueTask<IReadOnlyList<WebhookEvent>> ReadEventsAsync(string tenantId, int partition, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await ReadEventsAsync(Sql.Command(ReadEventsSql, Sql.Text(tenantId), Sql.Int(partition), Sql.Long(afterSeq), Sql.Int(limit)), tenantId, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(int partition, CancellationToken cancellationToken = default) =>
        await ReadOutboxAsync(Sql.Command(ReadPartitionOutboxSql, Sql.Int(partition)), cancellationToken);

    public async ValueTask UpdateOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(
                UpdateOutboxSql,
                Sql.Text(entry.TenantId),
                Sql.Int(entry.Partition),
                Sql.Long(entry.EventSeq),
                Sql.Int(entry.Attempts),
                Sql.Time(entry.FirstAttemptAt),
                Sql.Time(entry.NextAttemptAt),
                Sql.Text(entry.LastError)),
            cancellationToken);
    }

    public async ValueTask CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await Sql.ExecuteAsync(_dataSource, Sql.Command(CompleteOutboxSql, Sql.Text(entry.TenantId), Sql.Int(entry.Partition), Sql.Long(entry.EventSeq)), cancellationToken);
    }

    public async ValueTask DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var entry = deadLetter.Entry;
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(
                DeadLetterSql,
                Sql.Text(entry.TenantId),
                Sql.Int(entry.Partition),
                Sql.Long(entry.EventSeq),
                Sql.Text(entry.EventId),
                Sql.Json(deadLetter, CoreJsonContext.Default.DeadLetter)),
            cancellationToken);
    }

    public async ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(string tenantId, int afterPartition, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await Sql.ReadBodiesAsync(
            _dataSource,
            Sql.Command(ReadDeadLettersSql, Sql.Text(tenantId), Sql.Int(afterPartition), Sql.Long(afterSeq), Sql.Int(limit)),
            CoreJsonContext.Default.DeadLetter,
            cancellationToken);
    }

    public async ValueTask<OutboxEntry?> RedeliverAsync(string tenantId, string eventId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Taken from the dead letters and queued again in one transaction: both or neither.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        DeadLetter dead;
        await using (var take = new NpgsqlCommand(RedeliverSql, connection, transaction))
        {
            take.Parameters.Add(Sql.Text(tenantId));
            take.Parameters.Add(Sql.Text(eventId));
            await using var reader = await take.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            dead = Sql.Deserialize(reader.GetFieldValue<byte[]>(0), CoreJsonContext.Default.DeadLetter);
        }

        var entry = dead.Entry with { Attempts = 0, FirstAttemptAt = null, NextAttemptAt = now, LastError = null };
        await using (var requeue = new NpgsqlCommand(RequeueSql, connection, transaction))
        {
            requeue.Parameters.Add(Sql.Text(entry.TenantId));
            requeue.Parameters.Add(Sql.Int(entry.Partition));
            requeue.Parameters.Add(Sql.Long(entry.EventSeq));
            requeue.Parameters.Add(Sql.Text(entry.EventId));
            requeue.Parameters.Add(Sql.Text(entry.ConversationId));
            requeue.Parameters.Add(Sql.Time(now));
            await requeue.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return entry;
    }

    private async Task<List<WebhookEvent>> ReadEventsAsync(NpgsqlBatchCommand command, string tenantId, CancellationToken cancellationToken)
    {
        await using var batch = Sql.Batch(_dataSource, command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var events = new List<WebhookEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new WebhookEvent(
                reader.GetString(0),
                reader.GetString(1),
                tenantId,
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<byte[]>(4),
                reader.GetInt64(5),
                reader.GetInt32(6)));
        }

        return events;
    }

    private async Task<List<OutboxEntry>> ReadOutboxAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        await using var batch = Sql.Batch(_dataSource, command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new OutboxEntry(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetInt64(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return entries;
    }
}
