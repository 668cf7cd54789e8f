using System.Buffers.Binary;
using System.Text;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>Key layouts of the log's column families (big-endian, so byte order is numeric order).</summary>
internal static class LogKeys
{
    public const int RecordKeyLength = 10;

    public static byte[] Record(int partition, long offset)
    {
        var key = new byte[RecordKeyLength];
        WriteRecord(key, partition, offset);
        return key;
    }

    public static void WriteRecord(Span<byte> key, int partition, long offset)
    {
        BinaryPrimitives.WriteUInt16BigEndian(key, (ushort)partition);
        BinaryPrimitives.WriteInt64BigEndian(key[2..], offset);
    }

    public static (int Partition, long Offset) ParseRecord(ReadOnlySpan<byte> key) =>
        (BinaryPrimitives.ReadUInt16BigEndian(key), BinaryPrimitives.ReadInt64BigEndian(key[2..]));

    public static byte[] HighWatermark(int partition) => Tagged("hw", partition);

    public static byte[] LowWatermark(int partition) => Tagged("lw", partition);

    public static readonly byte[] PartitionCount = "partitions"u8.ToArray();

    public static readonly byte[] PositionPrefix = "pos\0"u8.ToArray();

    public static byte[] Position(string group, int partition)
    {
        var groupBytes = Encoding.UTF8.GetBytes(group);
        var key = new byte[PositionPrefix.Length + groupBytes.Length + 1 + 2];
        PositionPrefix.CopyTo(key, 0);
        groupBytes.CopyTo(key, PositionPrefix.Length);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(key.Length - 2), (ushort)partition);
        return key;
    }

    public static int PartitionOfPosition(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt16BigEndian(key[^2..]);

    public static byte[] Long(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    public static long ReadLong(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt64BigEndian(bytes);

    private static byte[] Tagged(string tag, int partition)
    {
        var key = new byte[tag.Length + 2];
        Encoding.ASCII.GetBytes(tag, key);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(tag.Length), (ushort)partition);
        return key;
    }
}
