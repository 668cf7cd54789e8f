using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Serialization;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Payments and refunds on the embedded database. One process owns the database, so a lock makes
/// the compare-and-set of a payment's version atomic; the indexes (by conversation, by provider
/// id, open payments) are written in the same batch as the row they point at. Every write leaves
/// the WAL buffer at once (as a hand-over does): a payment or refund row precedes a call to the
/// provider, and a process crash must not forget the id the provider was given as its key.
/// </summary>
public sealed class RocksDbPaymentStore(EmbeddedDatabase database) : IPaymentStore
{
    private readonly ColumnFamilyHandle _payments = database.Family(EmbeddedDatabase.PaymentsFamily);
    private readonly ColumnFamilyHandle _byConversation = database.Family(EmbeddedDatabase.PaymentsByConversationFamily);
    private readonly ColumnFamilyHandle _byProvider = database.Family(EmbeddedDatabase.PaymentsByProviderFamily);
    private readonly ColumnFamilyHandle _open = database.Family(EmbeddedDatabase.OpenPaymentsFamily);
    private readonly ColumnFamilyHandle _refunds = database.Family(EmbeddedDatabase.RefundsFamily);
    private readonly ColumnFamilyHandle _unsent = database.Family(EmbeddedDatabase.UnsentRefundsFamily);
    private readonly Lock _lock = new();

    public ValueTask<bool> InsertPaymentAsync(PaymentRecord payment, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = Utf8(payment.Id);
            if (database.Db.Get(key, _payments) is not null)
            {
                return ValueTask.FromResult(false);
            }

            using var batch = new WriteBatch();
            Write(batch, payment, previous: null);
            batch.Put(Pair(payment.ConversationId, payment.Id), Array.Empty<byte>(), _byConversation);
            database.Db.Write(batch, database.BufferedWrite);
            database.FlushWal();
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<PaymentRecord?> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(Utf8(paymentId)));

    public ValueTask<bool> TryUpdatePaymentAsync(PaymentRecord payment, long expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var previous = Read(Utf8(payment.Id));
            if (previous is null || previous.Version != expectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            using var batch = new WriteBatch();
            Write(batch, payment, previous);
            database.Db.Write(batch, database.BufferedWrite);
            database.FlushWal();
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<PaymentRecord>> ListPaymentsAsync(string conversationId, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        var prefix = Pair(conversationId, "");
        var payments = new List<PaymentRecord>();
        using var iterator = database.Db.NewIterator(_byConversation);
        iterator.Seek(afterId is null ? prefix : Pair(conversationId, afterId));
        if (afterId is not null && iterator.Valid() && iterator.GetKeySpan().SequenceEqual(Pair(conversationId, afterId)))
        {
            iterator.Next();
        }

        for (; iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix) && payments.Count < limit; iterator.Next())
        {
            if (Read(iterator.GetKeySpan()[prefix.Length..].ToArray()) is { } payment)
            {
                payments.Add(payment);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<PaymentRecord>>(payments);
    }

    public ValueTask<string?> FindByProviderIdAsync(string provider, string providerPaymentId, CancellationToken cancellationToken = default)
    {
        var id = database.Db.Get(Pair(provider, providerPaymentId), _byProvider);
        return ValueTask.FromResult(id is null ? null : Encoding.UTF8.GetString(id));
    }

    public ValueTask<IReadOnlyList<PaymentRecord>> ListOpenPaymentsAsync(CancellationToken cancellationToken = default)
    {
        var payments = new List<PaymentRecord>();
        using var iterator = database.Db.NewIterator(_open);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            if (Read(iterator.Key()) is { IsOpen: true } payment)
            {
                payments.Add(payment);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<PaymentRecord>>(payments);
    }

    public ValueTask PutRefundAsync(RefundRecord refund, CancellationToken cancellationToken = default)
    {
        var key = Pair(refund.PaymentId, refund.Id);
        using var batch = new WriteBatch();
        batch.Put(key, JsonSerializer.SerializeToUtf8Bytes(refund, CoreJsonContext.Default.RefundRecord), _refunds);
        if (refund.ProviderRefundId is null && !refund.Released)
        {
            batch.Put(key, Array.Empty<byte>(), _unsent);
        }
        else
        {
            batch.Delete(key, _unsent);
        }

        database.Db.Write(batch, database.BufferedWrite);
        database.FlushWal();
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<RefundRecord>> ListUnsentRefundsAsync(CancellationToken cancellationToken = default)
    {
        var refunds = new List<RefundRecord>();
        using var iterator = database.Db.NewIterator(_unsent);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            if (database.Db.Get(iterator.Key(), _refunds) is { } row)
            {
                refunds.Add(JsonSerializer.Deserialize(row, CoreJsonContext.Default.RefundRecord)!);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<RefundRecord>>(refunds);
    }

    public ValueTask<RefundRecord?> GetRefundAsync(string paymentId, string refundId, CancellationToken cancellationToken = default)
    {
        var row = database.Db.Get(Pair(paymentId, refundId), _refunds);
        return ValueTask.FromResult(row is null ? null : JsonSerializer.Deserialize(row, CoreJsonContext.Default.RefundRecord));
    }

    public ValueTask<IReadOnlyList<RefundRecord>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken = default)
    {
        var prefix = Pair(paymentId, "");
        var refunds = new List<RefundRecord>();
        using var iterator = database.Db.NewIterator(_refunds);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix); iterator.Next())
        {
            refunds.Add(JsonSerializer.Deserialize(iterator.GetValueSpan(), CoreJsonContext.Default.RefundRecord)!);
        }

        return ValueTask.FromResult<IReadOnlyList<RefundRecord>>(refunds);
    }

    private PaymentRecord? Read(byte[] key)
    {
        var row = database.Db.Get(key, _payments);
        return row is null ? null : JsonSerializer.Deserialize(row, CoreJsonContext.Default.PaymentRecord);
    }

    private void Write(WriteBatch batch, PaymentRecord payment, PaymentRecord? previous)
    {
        var key = Utf8(payment.Id);
        batch.Put(key, JsonSerializer.SerializeToUtf8Bytes(payment, CoreJsonContext.Default.PaymentRecord), _payments);
        if (payment.ProviderPaymentId is not null && previous?.ProviderPaymentId is null)
        {
            batch.Put(Pair(payment.Provider, payment.ProviderPaymentId), key, _byProvider);
        }

        if (payment.IsOpen)
        {
            batch.Put(key, Array.Empty<byte>(), _open);
        }
        else if (previous is null || previous.IsOpen)
        {
            batch.Delete(key, _open);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>first, 0, second: ids never hold a 0 byte, so no prefix is another's.</summary>
    private static byte[] Pair(string first, string second)
    {
        var length = Encoding.UTF8.GetByteCount(first);
        var key = new byte[length + 1 + Encoding.UTF8.GetByteCount(second)];
        Encoding.UTF8.GetBytes(first, key);
        Encoding.UTF8.GetBytes(second, key.AsSpan(length + 1));
        return key;
    }
}
