using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Serialization;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Payments and refunds on PostgreSQL. Every write is one statement: the insert is
/// <c>ON CONFLICT DO NOTHING</c> and an update is <c>UPDATE … WHERE version = $expected</c>, so
/// nodes sharing the database never both win a compare-and-set. The index rows (by conversation,
/// by provider id) are written in the same statement as the payment they point at; open payments
/// and unsent refunds are partial indexes on flags of the row itself.
/// </summary>
public sealed class PostgresPaymentStore : IPaymentStore
{
    private const string InsertPaymentSql =
        "WITH inserted AS (" +
        "  INSERT INTO payments (payment_id, tenant_id, conversation_id, provider, provider_payment_id, status, is_open, version, body) " +
        "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id), " +
        "by_conversation AS (" +
        "  INSERT INTO payments_by_conversation (conversation_id, payment_id) SELECT $3, payment_id FROM inserted " +
        "  ON CONFLICT DO NOTHING), " +
        "by_provider AS (" +
        "  INSERT INTO payments_by_provider (provider, provider_payment_id, payment_id) SELECT $4, $5, payment_id FROM inserted WHERE $5 IS NOT NULL " +
        "  ON CONFLICT (provider, provider_payment_id) DO UPDATE SET payment_id = excluded.payment_id) " +
        "SELECT count(*) FROM inserted";

    // The compare-and-set. `previous` reads the row the update replaces (the statement's snapshot;
    // if another write changed it since, the version no longer matches and nothing is updated), so
    // the provider id is indexed when this write is the one that first sets it, as on the embedded store.
    private const string TryUpdatePaymentSql =
        "WITH previous AS (" +
        "  SELECT provider_payment_id FROM payments WHERE payment_id = $1 AND version = $10), " +
        "updated AS (" +
        "  UPDATE payments SET tenant_id = $2, conversation_id = $3, provider = $4, provider_payment_id = $5, status = $6, is_open = $7, version = $8, body = $9 " +
        "  WHERE payment_id = $1 AND version = $10 RETURNING payment_id), " +
        "by_provider AS (" +
        "  INSERT INTO payments_by_provider (provider, provider_payment_id, payment_id) " +
        "  SELECT $4, $5, updated.payment_id FROM updated, previous WHERE $5 IS NOT NULL AND previous.provider_payment_id IS NULL " +
        "  ON CONFLICT (provider, provider_payment_id) DO UPDATE SET payment_id = excluded.payment_id) " +
        "SELECT count(*) FROM updated";

    private const string ReadPaymentSql = "SELECT body FROM payments WHERE payment_id = $1";

    // Not a hot read (a conversation's payments page): the index partition, then the payments it names.
    private const string ListPaymentsSql =
        "SELECT p.body FROM payments_by_conversation c JOIN payments p ON p.payment_id = c.payment_id " +
        "WHERE c.conversation_id = $1 AND ($2::text IS NULL OR c.payment_id > $2) ORDER BY c.payment_id LIMIT $3";

    private const string FindByProviderIdSql = "SELECT payment_id FROM payments_by_provider WHERE provider = $1 AND provider_payment_id = $2";
    private const string ListOpenPaymentsSql = "SELECT body FROM payments WHERE is_open ORDER BY payment_id";

    private const string PutRefundSql =
        "INSERT INTO refunds (payment_id, refund_id, unsent, body) VALUES ($1, $2, $3, $4) " +
        "ON CONFLICT (payment_id, refund_id) DO UPDATE SET unsent = excluded.unsent, body = excluded.body";

    private const string ReadRefundSql = "SELECT body FROM refunds WHERE payment_id = $1 AND refund_id = $2";
    private const string ListUnsentRefundsSql = "SELECT body FROM refunds WHERE unsent ORDER BY payment_id, refund_id";
    private const string ListRefundsSql = "SELECT body FROM refunds WHERE payment_id = $1 ORDER BY refund_id";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresPaymentStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask<bool> InsertPaymentAsync(PaymentRecord payment, CancellationToken cancellationToken = default)
    {
        await using var batch = Sql.Batch(_dataSource, Sql.Command(InsertPaymentSql, PaymentColumns(payment)));
        return (long)(await batch.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    public async ValueTask<PaymentRecord?> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadPaymentSql, Sql.Text(paymentId)), cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.PaymentRecord);
    }

    public async ValueTask<bool> TryUpdatePaymentAsync(PaymentRecord payment, long expectedVersion, CancellationToken cancellationToken = default)
    {
        await using var batch = Sql.Batch(_dataSource, Sql.Command(TryUpdatePaymentSql, [.. PaymentColumns(payment), Sql.Long(expectedVersion)]));
        return (long)(await batch.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    public async ValueTask<IReadOnlyList<PaymentRecord>> ListPaymentsAsync(string conversationId, string? afterId, int limit, CancellationToken cancellationToken = default) =>
        limit <= 0
            ? []
            : await Sql.ReadBodiesAsync(
                _dataSource,
                Sql.Command(ListPaymentsSql, Sql.Text(conversationId), Sql.Text(afterId), Sql.Int(limit)),
                CoreJsonContext.Default.PaymentRecord,
                cancellationToken);

    public async ValueTask<string?> FindByProviderIdAsync(string provider, string providerPaymentId, CancellationToken cancellationToken = default)
    {
        await using var batch = Sql.Batch(_dataSource, Sql.Command(FindByProviderIdSql, Sql.Text(provider), Sql.Text(providerPaymentId)));
        return await batch.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async ValueTask<IReadOnlyList<PaymentRecord>> ListOpenPaymentsAsync(CancellationToken cancellationToken = default) =>
        await Sql.ReadBodiesAsync(_dataSource, Sql.Command(ListOpenPaymentsSql), CoreJsonContext.Default.PaymentRecord, cancellationToken);

    public async ValueTask PutRefundAsync(RefundRecord refund, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(
                PutRefundSql,
                Sql.Text(refund.PaymentId),
                Sql.Text(refund.Id),
                Sql.Bool(refund.ProviderRefundId is null && !refund.Released),
                Sql.Json(refund, CoreJsonContext.Default.RefundRecord)),
            cancellationToken);

    public async ValueTask<RefundRecord?> GetRefundAsync(string paymentId, string refundId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadRefundSql, Sql.Text(paymentId), Sql.Text(refundId)), cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.RefundRecord);
    }

    public async ValueTask<IReadOnlyList<RefundRecord>> ListUnsentRefundsAsync(CancellationToken cancellationToken = default) =>
        await Sql.ReadBodiesAsync(_dataSource, Sql.Command(ListUnsentRefundsSql), CoreJsonContext.Default.RefundRecord, cancellationToken);

    public async ValueTask<IReadOnlyList<RefundRecord>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken = default) =>
        await Sql.ReadBodiesAsync(_dataSource, Sql.Command(ListRefundsSql, Sql.Text(paymentId)), CoreJsonContext.Default.RefundRecord, cancellationToken);

    /// <summary>$1–$9: the payment's key, its plain columns, and its body.</summary>
    private static NpgsqlParameter[] PaymentColumns(PaymentRecord payment) =>
    [
        Sql.Text(payment.Id),
        Sql.Text(payment.TenantId),
        Sql.Text(payment.ConversationId),
        Sql.Text(payment.Provider),
        Sql.Text(payment.ProviderPaymentId),
        Sql.Text(payment.Status),
        Sql.Bool(payment.IsOpen),
        Sql.Long(payment.Version),
        Sql.Json(payment, CoreJsonContext.Default.PaymentRecord),
    ];
}
