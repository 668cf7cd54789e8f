using System.Buffers.Binary;
using MessagingGateway.Core.Log;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>Stored form of a log record: [append time ms][key length][key][value].</summary>
internal static class LogRecordCodec
{
    private const int HeaderLength = 8 + 4;

    public static byte[] Encode(LogRecord record, long appendedAtMs)
    {
        var bytes = new byte[HeaderLength + record.Key.Length + record.Value.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, appendedAtMs);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), record.Key.Length);
        record.Key.Span.CopyTo(bytes.AsSpan(HeaderLength));
        record.Value.Span.CopyTo(bytes.AsSpan(HeaderLength + record.Key.Length));
        return bytes;
    }

    public static LogEntry Decode(LogPosition position, byte[] stored)
    {
        var appendedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(stored));
        var keyLength = BinaryPrimitives.ReadInt32BigEndian(stored.AsSpan(8));
        var key = new ReadOnlyMemory<byte>(stored, HeaderLength, keyLength);
        var value = new ReadOnlyMemory<byte>(stored, HeaderLength + keyLength, stored.Length - HeaderLength - keyLength);
        return new LogEntry(position, appendedAt, key, value);
    }
}
