using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// A status change's row: a versioned binary layout instead of JSON, as four of them are written
/// and read back per message. Layout (format 1): format byte, status byte, sequence (int32), at
/// as UTC ticks (int64) and offset minutes (int16), then the code as UTF-8 to the end (none when
/// empty). Rows written as JSON before this layout are still read.
/// </summary>
internal static class StatusRowCodec
{
    private const byte Format = 1;
    private const int FixedLength = 1 + 1 + 4 + 8 + 2;

    public static byte[] Encode(StatusChange change)
    {
        var code = change.Code is null ? 0 : Encoding.UTF8.GetByteCount(change.Code);
        var row = new byte[FixedLength + code];
        var span = row.AsSpan();
        span[0] = Format;
        span[1] = (byte)change.Status;
        BinaryPrimitives.WriteInt32BigEndian(span[2..], change.Seq);
        BinaryPrimitives.WriteInt64BigEndian(span[6..], change.At.UtcTicks);
        BinaryPrimitives.WriteInt16BigEndian(span[14..], (short)change.At.Offset.TotalMinutes);
        if (change.Code is not null)
        {
            Encoding.UTF8.GetBytes(change.Code, span[FixedLength..]);
        }

        return row;
    }

    public static StatusChange Decode(ReadOnlySpan<byte> row)
    {
        if (row.IsEmpty || row[0] != Format)
        {
            // A row from before this layout: JSON, which starts with '{'.
            return JsonSerializer.Deserialize(row, CoreJsonContext.Default.StatusChange)
                ?? throw new InvalidDataException("A status row reads as null.");
        }

        if (row.Length < FixedLength)
        {
            throw new InvalidDataException("A status row is shorter than its layout.");
        }

        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16BigEndian(row[14..]));
        var at = new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(row[6..]), TimeSpan.Zero).ToOffset(offset);
        var code = row.Length > FixedLength ? Encoding.UTF8.GetString(row[FixedLength..]) : null;
        return new StatusChange((MessageStatus)row[1], at, BinaryPrimitives.ReadInt32BigEndian(row[2..]), code);
    }
}
