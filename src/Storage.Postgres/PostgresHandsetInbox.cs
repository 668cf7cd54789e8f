using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Serialization;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// The sandbox handsets' inboxes on PostgreSQL: rows by (tenant, address, arrival). The id index
/// (<c>handset_ids</c>) is claimed first with <c>ON CONFLICT DO NOTHING</c>, so a message delivered
/// twice, by one node or two, is stored once. Arrival numbers come from one sequence: the inbox
/// lists messages in the order they were received, as the embedded one does.
/// </summary>
public sealed class PostgresHandsetInbox : IHandsetInbox
{
    private const string ReceiveSql =
        "WITH id AS (" +
        "  INSERT INTO handset_ids (message_id, tenant_id, address, arrival) VALUES ($1, $2, $3, nextval('handset_arrival')) " +
        "  ON CONFLICT (message_id) DO NOTHING RETURNING arrival) " +
        "INSERT INTO handset_inbox (tenant_id, address, arrival, message_id, receipts_owed, body) " +
        "SELECT $2, $3, arrival, $1, $4, $5 FROM id";

    // Finds the row through the id index, as the embedded inbox does: a message it never received is skipped.
    private const string UpdateSql =
        "UPDATE handset_inbox SET receipts_owed = $2, body = $3 " +
        "WHERE (tenant_id, address, arrival) = (SELECT tenant_id, address, arrival FROM handset_ids WHERE message_id = $1)";

    private const string ReadSql = "SELECT body FROM handset_inbox WHERE tenant_id = $1 AND address = $2 ORDER BY arrival";

    // Through the partial index handset_pending: a handful of rows, read once at start.
    private const string ReadAwaitingReceiptsSql = "SELECT body FROM handset_inbox WHERE receipts_owed > 0 ORDER BY message_id";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresHandsetInbox(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask<bool> ReceiveAsync(HandsetMessage message, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(
                ReceiveSql,
                Sql.Uuid(message.MessageId),
                Sql.Text(message.TenantId),
                Sql.Text(message.Address),
                Sql.Int(message.ReceiptsOwed),
                Sql.Json(message, CoreJsonContext.Default.HandsetMessage)),
            cancellationToken) > 0;

    public async ValueTask UpdateAsync(IReadOnlyList<HandsetMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
        {
            return;
        }

        await using var batch = _dataSource.CreateBatch();
        foreach (var message in messages)
        {
            batch.BatchCommands.Add(Sql.Command(UpdateSql, Sql.Uuid(message.MessageId), Sql.Int(message.ReceiptsOwed), Sql.Json(message, CoreJsonContext.Default.HandsetMessage)));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<HandsetMessage>> ReadAsync(string tenantId, string address, CancellationToken cancellationToken = default) =>
        await Sql.ReadBodiesAsync(_dataSource, Sql.Command(ReadSql, Sql.Text(tenantId), Sql.Text(address)), CoreJsonContext.Default.HandsetMessage, cancellationToken);

    public async ValueTask<IReadOnlyList<HandsetMessage>> ReadAwaitingReceiptsAsync(CancellationToken cancellationToken = default) =>
        await Sql.ReadBodiesAsync(_dataSource, Sql.Command(ReadAwaitingReceiptsSql), CoreJsonContext.Default.HandsetMessage, cancellationToken);
}
