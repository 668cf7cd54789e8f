using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Hand-overs (message id → when it went to the channel), the provider's message id index, and
/// orphan receipts, on PostgreSQL. A hand-over is durable once its statement commits, so a replay
/// on any node finds it and does not send again. A hand-over written again for the same message
/// leaves the first in place (<c>IF NOT EXISTS</c>), and each provider id it names points at the message.
/// </summary>
public sealed class PostgresDeliveryLedger : IDeliveryLedger
{
    // One statement: the hand-over (the first stays) and its provider id's index row land together.
    private const string PutHandoffSql =
        "WITH handoff AS (" +
        "  INSERT INTO handoffs (message_id, provider_message_id, body) VALUES ($1, $2, $3) " +
        "  ON CONFLICT (message_id) DO NOTHING) " +
        "INSERT INTO provider_message_ids (provider_message_id, message_id) SELECT $2, $1 WHERE $2 IS NOT NULL " +
        "ON CONFLICT (provider_message_id) DO UPDATE SET message_id = excluded.message_id";

    private const string ReadHandoffSql = "SELECT body FROM handoffs WHERE message_id = $1";
    private const string FindByProviderIdSql = "SELECT message_id FROM provider_message_ids WHERE provider_message_id = $1";

    // Keyed by message id and status: the same orphan receipt replayed is stored once.
    private const string RecordOrphanSql =
        "INSERT INTO orphan_receipts (message_id, status, body) VALUES ($1, $2, $3) " +
        "ON CONFLICT (message_id, status) DO UPDATE SET body = excluded.body";

    // Deleting and returning in one statement: two nodes taking at once each get a receipt at most once.
    private const string TakeOrphansSql = "DELETE FROM orphan_receipts WHERE message_id = $1 RETURNING status, body";
    private const string CountOrphansSql = "SELECT count(*) FROM orphan_receipts";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDeliveryLedger(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask<ChannelHandoff?> GetHandoffAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadHandoffSql, Sql.Uuid(messageId)), cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.ChannelHandoff);
    }

    public async ValueTask PutHandoffAsync(ChannelHandoff handoff, CancellationToken cancellationToken = default)
    {
        await using var batch = _dataSource.CreateBatch();
        StageHandoff(batch, handoff);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds the hand-over and its provider id's index row (one statement) to <paramref name="batch"/>.</summary>
    internal static void StageHandoff(NpgsqlBatch batch, ChannelHandoff handoff) =>
        batch.BatchCommands.Add(Sql.Command(
            PutHandoffSql,
            Sql.Uuid(handoff.MessageId),
            Sql.Text(handoff.ProviderMessageId),
            Sql.Json(handoff, CoreJsonContext.Default.ChannelHandoff)));

    public async ValueTask<Guid?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default)
    {
        await using var batch = Sql.Batch(_dataSource, Sql.Command(FindByProviderIdSql, Sql.Text(providerMessageId)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
    }

    public async ValueTask RecordOrphanAsync(StatusReceipt receipt, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(RecordOrphanSql, Sql.Uuid(receipt.MessageId), Sql.Short((byte)receipt.Status), Sql.Json(receipt, CoreJsonContext.Default.StatusReceipt)),
            cancellationToken);

    public async ValueTask<IReadOnlyList<StatusReceipt>> TakeOrphansAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var batch = Sql.Batch(_dataSource, Sql.Command(TakeOrphansSql, Sql.Uuid(messageId)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        List<(short Status, StatusReceipt Receipt)>? taken = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            (taken ??= []).Add((reader.GetInt16(0), Sql.Deserialize(reader.GetFieldValue<byte[]>(1), CoreJsonContext.Default.StatusReceipt)));
        }

        // RETURNING has no order; the embedded ledger gives them in status order.
        return taken is null ? [] : [.. taken.OrderBy(t => t.Status).Select(t => t.Receipt)];
    }

    public async ValueTask<long> CountOrphansAsync(CancellationToken cancellationToken = default)
    {
        await using var batch = Sql.Batch(_dataSource, Sql.Command(CountOrphansSql));
        return (long)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }
}
