using System.Buffers.Binary;
using System.Text;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Key layouts of the store's column families. Each mirrors a Cassandra primary key: the
/// partition key first, then the clustering column big-endian so byte order is numeric order.
/// </summary>
internal static class StoreKeys
{
    public static byte[] Message(Guid id)
    {
        var key = new byte[16];
        id.TryWriteBytes(key, bigEndian: true, out _);
        return key;
    }

    public static byte[] Status(Guid id, int seq)
    {
        var key = new byte[20];
        id.TryWriteBytes(key, bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(16), seq);
        return key;
    }

    public static byte[] Conversation(string conversationId) => Encoding.UTF8.GetBytes(conversationId);

    public static byte[] Timeline(string conversationId, long seq)
    {
        var length = Encoding.UTF8.GetByteCount(conversationId);
        var key = new byte[length + 1 + 8];
        Encoding.UTF8.GetBytes(conversationId, key);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(length + 1), seq);
        return key;
    }

    public static long TimelineSeq(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key[^8..]);

    public static byte[] Idempotency(string tenantId, string idempotencyKey)
    {
        var tenantLength = Encoding.UTF8.GetByteCount(tenantId);
        var key = new byte[tenantLength + 1 + Encoding.UTF8.GetByteCount(idempotencyKey)];
        Encoding.UTF8.GetBytes(tenantId, key);
        Encoding.UTF8.GetBytes(idempotencyKey, key.AsSpan(tenantLength + 1));
        return key;
    }

    /// <summary>When a record was created (big-endian milliseconds, so oldest first), then its idempotency key.</summary>
    public static byte[] IdempotencyByAge(DateTimeOffset createdAt, ReadOnlySpan<byte> idempotencyKey)
    {
        var key = new byte[8 + idempotencyKey.Length];
        BinaryPrimitives.WriteInt64BigEndian(key, createdAt.ToUnixTimeMilliseconds());
        idempotencyKey.CopyTo(key.AsSpan(8));
        return key;
    }

    public static DateTimeOffset IdempotencyCreatedAt(ReadOnlySpan<byte> byAgeKey) =>
        DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(byAgeKey));

    /// <summary>A key in a tenant's partition: tenant, a zero byte, then the clustering bytes.</summary>
    public static byte[] TenantPrefixed(string tenantId, ReadOnlySpan<byte> clustering)
    {
        var length = Encoding.UTF8.GetByteCount(tenantId);
        var key = new byte[length + 1 + clustering.Length];
        Encoding.UTF8.GetBytes(tenantId, key);
        clustering.CopyTo(key.AsSpan(length + 1));
        return key;
    }

    /// <summary>An event's key: tenant, then its log partition and sequence, big-endian so keys sort by both.</summary>
    public static byte[] TenantPartitionSeq(string tenantId, int partition, long seq)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt32BigEndian(bytes, partition);
        BinaryPrimitives.WriteInt64BigEndian(bytes[4..], seq);
        return TenantPrefixed(tenantId, bytes);
    }

    /// <summary>
    /// An outbox entry's key: its log partition first, so the node given a partition reads that
    /// partition's entries alone, then tenant and sequence as in <see cref="TenantPartitionSeq"/>.
    /// </summary>
    public static byte[] Outbox(int partition, string tenantId, long seq)
    {
        var length = Encoding.UTF8.GetByteCount(tenantId);
        var key = new byte[4 + length + 1 + 8];
        BinaryPrimitives.WriteInt32BigEndian(key, partition);
        Encoding.UTF8.GetBytes(tenantId, key.AsSpan(4));
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(4 + length + 1), seq);
        return key;
    }

    public static int TrailingPartition(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt32BigEndian(key[^12..]);

    public static long TrailingSeq(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key[^8..]);
}
