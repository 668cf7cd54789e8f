using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>Handoffs (message id → when it went to the channel) and orphan receipts, on the embedded database.</summary>
public sealed class RocksDbDeliveryLedger(EmbeddedDatabase database) : IDeliveryLedger
{
    private readonly ColumnFamilyHandle _handoffs = database.Family(EmbeddedDatabase.HandoffsFamily);
    private readonly ColumnFamilyHandle _orphans = database.Family(EmbeddedDatabase.OrphansFamily);
    private readonly ColumnFamilyHandle _providerIds = database.Family(EmbeddedDatabase.ProviderMessageIdsFamily);

    public ValueTask<ChannelHandoff?> GetHandoffAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        var row = database.Db.Get(StoreKeys.Message(messageId), _handoffs);
        return ValueTask.FromResult(row is null ? null : HandoffRowCodec.Decode(row));
    }

    public ValueTask PutHandoffAsync(ChannelHandoff handoff, CancellationToken cancellationToken = default)
    {
        using (var batch = new WriteBatch())
        {
            StageHandoff(batch, handoff);
            database.Db.Write(batch, database.BufferedWrite);
        }

        // Out of the WAL's buffer at once: the message has left for the channel, and a process
        // crash must not make a replay send it again.
        database.FlushWal();
        return ValueTask.CompletedTask;
    }

    /// <summary>Adds the hand-over (and its provider id's index row) to <paramref name="batch"/>; whoever writes it flushes the WAL.</summary>
    internal void StageHandoff(WriteBatch batch, ChannelHandoff handoff)
    {
        var key = StoreKeys.Message(handoff.MessageId);
        if (database.Db.Get(key, _handoffs) is null)
        {
            batch.Put(key, HandoffRowCodec.Encode(handoff), _handoffs);
        }

        if (handoff.ProviderMessageId is { } providerId)
        {
            batch.Put(System.Text.Encoding.UTF8.GetBytes(providerId), StoreKeys.Message(handoff.MessageId), _providerIds);
        }
    }

    public ValueTask<Guid?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<Guid?>(database.Db.Get(System.Text.Encoding.UTF8.GetBytes(providerMessageId), _providerIds) is { Length: 16 } key ? new Guid(key, bigEndian: true) : null);

    public ValueTask RecordOrphanAsync(StatusReceipt receipt, CancellationToken cancellationToken = default)
    {
        // Keyed by message id and status: the same orphan receipt replayed is stored once.
        var key = new byte[17];
        receipt.MessageId.TryWriteBytes(key, bigEndian: true, out _);
        key[16] = (byte)receipt.Status;
        database.Db.Put(key, JsonSerializer.SerializeToUtf8Bytes(receipt, CoreJsonContext.Default.StatusReceipt), _orphans, database.BufferedWrite);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<StatusReceipt>> TakeOrphansAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        var prefix = StoreKeys.Message(messageId);
        List<StatusReceipt>? taken = null;
        using var iterator = database.Db.NewIterator(_orphans);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix); iterator.Next())
        {
            (taken ??= []).Add(JsonSerializer.Deserialize(iterator.GetValueSpan(), CoreJsonContext.Default.StatusReceipt)!);
            database.Db.Remove(iterator.Key(), _orphans, database.BufferedWrite);
        }

        return ValueTask.FromResult<IReadOnlyList<StatusReceipt>>(taken ?? (IReadOnlyList<StatusReceipt>)[]);
    }

    public ValueTask<long> CountOrphansAsync(CancellationToken cancellationToken = default)
    {
        long count = 0;
        using var iterator = database.Db.NewIterator(_orphans);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            count++;
        }

        return ValueTask.FromResult(count);
    }
}
