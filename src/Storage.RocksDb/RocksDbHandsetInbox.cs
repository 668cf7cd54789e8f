using System.Buffers.Binary;
using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Serialization;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// The sandbox handsets' inboxes: rows keyed by tenant, address, then arrival order, written once;
/// an id index (message id → inbox key) makes a repeated delivery of one message a no-op; a pending
/// index (message id → receipts still owed) lists messages owed receipts, so counting a receipt
/// down writes four bytes instead of the message again. Inbox rows are binary
/// (<see cref="HandsetRowCodec"/>); JSON rows of before still read.
/// </summary>
public sealed class RocksDbHandsetInbox(EmbeddedDatabase database) : IHandsetInbox
{
    private readonly ColumnFamilyHandle _inbox = database.Family(EmbeddedDatabase.HandsetInboxFamily);
    private readonly ColumnFamilyHandle _ids = database.Family(EmbeddedDatabase.HandsetIdsFamily);
    private readonly ColumnFamilyHandle _pending = database.Family(EmbeddedDatabase.HandsetPendingFamily);
    private readonly Lock _lock = new();
    private long _lastArrival;

    public ValueTask<bool> ReceiveAsync(HandsetMessage message, CancellationToken cancellationToken = default)
    {
        var id = StoreKeys.Message(message.MessageId);
        lock (_lock)
        {
            if (database.Db.Get(id, _ids) is not null)
            {
                return ValueTask.FromResult(false);
            }

            // Arrival order: ticks made strictly increasing so two messages never share a key.
            var arrival = Math.Max(message.ReceivedAt.UtcTicks, _lastArrival + 1);
            _lastArrival = arrival;
            var key = InboxKey(message.TenantId, message.Address, arrival);
            using var batch = new WriteBatch();
            batch.Put(key, HandsetRowCodec.Encode(message), _inbox);
            batch.Put(id, key, _ids);
            if (message.ReceiptsOwed > 0)
            {
                batch.Put(id, Owed(message.ReceiptsOwed), _pending);
            }

            database.Db.Write(batch, database.BufferedWrite);
            return ValueTask.FromResult(true);
        }
    }

    /// <summary>
    /// Counts receipts down: only the pending index changes (a message nobody received has no inbox
    /// row, so a count for it is never read back).
    /// </summary>
    public ValueTask UpdateAsync(IReadOnlyList<HandsetMessage> messages, CancellationToken cancellationToken = default)
    {
        using var batch = new WriteBatch();
        lock (_lock)
        {
            foreach (var message in messages)
            {
                var id = StoreKeys.Message(message.MessageId);
                if (message.ReceiptsOwed > 0)
                {
                    batch.Put(id, Owed(message.ReceiptsOwed), _pending);
                }
                else
                {
                    batch.Delete(id, _pending);
                }
            }

            database.Db.Write(batch, database.BufferedWrite);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<HandsetMessage>> ReadAsync(string tenantId, string address, CancellationToken cancellationToken = default)
    {
        var prefix = HandsetPrefix(tenantId, address);
        var messages = new List<HandsetMessage>();
        using var iterator = database.Db.NewIterator(_inbox);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix) && iterator.GetKeySpan().Length == prefix.Length + 8; iterator.Next())
        {
            var message = HandsetRowCodec.Decode(iterator.GetValueSpan());
            messages.Add(message.ReceiptsOwed > 0 ? message with { ReceiptsOwed = OwedOf(message) } : message);
        }

        return ValueTask.FromResult<IReadOnlyList<HandsetMessage>>(messages);
    }

    public ValueTask<IReadOnlyList<HandsetMessage>> ReadAwaitingReceiptsAsync(CancellationToken cancellationToken = default)
    {
        var messages = new List<HandsetMessage>();
        using var iterator = database.Db.NewIterator(_pending);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            var pending = iterator.Value();
            var key = pending.Length == sizeof(int) ? database.Db.Get(iterator.Key(), _ids) : pending; // before the count: the inbox key
            if (key is not null
                && database.Db.Get(key, _inbox) is { } row
                && HandsetRowCodec.Decode(row) is var message
                && (pending.Length == sizeof(int) ? BinaryPrimitives.ReadInt32BigEndian(pending) : message.ReceiptsOwed) is > 0 and var owed)
            {
                messages.Add(message with { ReceiptsOwed = owed });
            }
        }

        return ValueTask.FromResult<IReadOnlyList<HandsetMessage>>(messages);
    }

    /// <summary>What the pending index says a message received with receipts owed is still owed (0 once all are reported).</summary>
    private int OwedOf(HandsetMessage received)
    {
        if (database.Db.Get(StoreKeys.Message(received.MessageId), _pending) is not { } pending)
        {
            return 0;
        }

        // A pending row of before the count held the inbox key, and the inbox row kept the count.
        return pending.Length == sizeof(int) ? BinaryPrimitives.ReadInt32BigEndian(pending) : received.ReceiptsOwed;
    }

    private static byte[] Owed(int receipts)
    {
        var value = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(value, receipts);
        return value;
    }

    /// <summary>tenant id, 0, address, 0: neither contains a 0 byte, so no prefix is another's.</summary>
    private static byte[] HandsetPrefix(string tenantId, string address)
    {
        var tenantLength = Encoding.UTF8.GetByteCount(tenantId);
        var key = new byte[tenantLength + 1 + Encoding.UTF8.GetByteCount(address) + 1];
        Encoding.UTF8.GetBytes(tenantId, key);
        Encoding.UTF8.GetBytes(address, key.AsSpan(tenantLength + 1));
        return key;
    }

    private static byte[] InboxKey(string tenantId, string address, long arrival)
    {
        var prefix = HandsetPrefix(tenantId, address);
        var key = new byte[prefix.Length + 8];
        prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(prefix.Length), arrival);
        return key;
    }
}
