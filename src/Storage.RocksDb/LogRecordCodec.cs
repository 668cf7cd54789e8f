using System.Buffers.Binary;
using MessagingGateway.Core.Log;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>Stored form of a log record: [append time ms][key length][key][value].</summary>
internal static class LogRecordCodec
{
    private const int HeaderLength = 8 + 4;

    /// <summary>
    /// Puts the record into <paramref name="batch"/> through <paramref name="scratch"/> (the writer's
    /// own buffer, grown as needed): RocksDB copies the bytes, so no array per record.
    /// </summary>
    public static void Put(RocksDbSharp.WriteBatch batch, ReadOnlySpan<byte> key, LogRecord record, long appendedAtMs, ref byte[] scratch, RocksDbSharp.ColumnFamilyHandle family)
    {
        var length = HeaderLength + record.Key.Length + record.Value.Length;
        if (scratch.Length < length)
        {
            scratch = new byte[Math.Max(length, scratch.Length * 2)];
        }

        var bytes = scratch.AsSpan(0, length);
        BinaryPrimitives.WriteInt64BigEndian(bytes, appendedAtMs);
        BinaryPrimitives.WriteInt32BigEndian(bytes[8..], record.Key.Length);
        record.Key.Span.CopyTo(bytes[HeaderLength..]);
        record.Value.Span.CopyTo(bytes[(HeaderLength + record.Key.Length)..]);
        batch.Put(key, bytes, family);
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
