using System.Buffers.Binary;
using System.Text;
using MessagingGateway.Core.Log;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Quarantined log records on the embedded database, one row per record id. The row is a small
/// versioned binary layout: version, partition, offset, stream, attempts, time, then the error,
/// the key and the value, each with its length.
/// </summary>
public sealed class RocksDbQuarantine(EmbeddedDatabase database) : IQuarantine
{
    private const byte Version = 1;

    private readonly ColumnFamilyHandle _family = database.Family(EmbeddedDatabase.QuarantineFamily);

    public ValueTask PutAsync(QuarantinedRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);

        // Synced: once the record is aside, its partition moves past it.
        database.Db.Put(Encoding.UTF8.GetBytes(record.Id), Encode(record), _family, database.SyncedWrite);
        return ValueTask.CompletedTask;
    }

    public ValueTask<QuarantinedRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var row = database.Db.Get(Encoding.UTF8.GetBytes(id), _family);
        return ValueTask.FromResult(row is null ? null : Decode(id, row));
    }

    public ValueTask<IReadOnlyList<QuarantinedRecord>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        var records = new List<QuarantinedRecord>(Math.Min(limit, 100));
        using var iterator = database.Db.NewIterator(_family);
        if (afterId is null)
        {
            iterator.SeekToFirst();
        }
        else
        {
            var after = Encoding.UTF8.GetBytes(afterId);
            iterator.Seek(after);
            if (iterator.Valid() && iterator.Key().AsSpan().SequenceEqual(after))
            {
                iterator.Next();
            }
        }

        for (; iterator.Valid() && records.Count < limit; iterator.Next())
        {
            records.Add(Decode(Encoding.UTF8.GetString(iterator.Key()), iterator.Value()));
        }

        return ValueTask.FromResult<IReadOnlyList<QuarantinedRecord>>(records);
    }

    public ValueTask DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        database.Db.Remove(Encoding.UTF8.GetBytes(id), _family, database.SyncedWrite);
        return ValueTask.CompletedTask;
    }

    private static byte[] Encode(QuarantinedRecord record)
    {
        var error = Encoding.UTF8.GetBytes(record.Error);
        var row = new byte[1 + 4 + 8 + 1 + 4 + 8 + 4 + error.Length + 4 + record.Key.Length + 4 + record.Value.Length];
        var span = row.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], record.Position.Partition);
        BinaryPrimitives.WriteInt64BigEndian(span[5..], record.Position.Offset);
        span[13] = (byte)record.Position.Stream;
        BinaryPrimitives.WriteInt32BigEndian(span[14..], record.Attempts);
        BinaryPrimitives.WriteInt64BigEndian(span[18..], record.At.ToUnixTimeMilliseconds());
        var rest = span[26..];
        rest = WriteBlock(rest, error);
        rest = WriteBlock(rest, record.Key.Span);
        WriteBlock(rest, record.Value.Span);
        return row;
    }

    private static Span<byte> WriteBlock(Span<byte> destination, ReadOnlySpan<byte> block)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, block.Length);
        block.CopyTo(destination[4..]);
        return destination[(4 + block.Length)..];
    }

    private static QuarantinedRecord Decode(string id, byte[] row)
    {
        var span = row.AsSpan();
        if (span.Length < 26 || span[0] != Version)
        {
            throw new InvalidDataException($"Quarantine row {id} has an unknown layout.");
        }

        var position = new LogPosition(BinaryPrimitives.ReadInt32BigEndian(span[1..]), BinaryPrimitives.ReadInt64BigEndian(span[5..]), (LogStream)span[13]);
        var attempts = BinaryPrimitives.ReadInt32BigEndian(span[14..]);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(span[18..]));
        var offset = 26;
        var error = ReadBlock(row, ref offset);
        var key = ReadBlock(row, ref offset);
        var value = ReadBlock(row, ref offset);
        return new QuarantinedRecord(id, position, key, value, attempts, Encoding.UTF8.GetString(error.Span), at);
    }

    private static ReadOnlyMemory<byte> ReadBlock(byte[] row, ref int offset)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(row.AsSpan(offset));
        var block = new ReadOnlyMemory<byte>(row, offset + 4, length);
        offset += 4 + length;
        return block;
    }
}
