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
/// empty). A message's <c>accepted</c> status carries the message itself (format 3: the same fixed
/// part, then the message's log record value), so accepting a message writes one row, not two.
/// Rows written as JSON before this layout are still read.
/// </summary>
internal static class StatusRowCodec
{
    private const byte Format = 1;
    private const byte WithMessageFormat = 3;
    private const int FixedLength = 1 + 1 + 4 + 8 + 2;

    public static byte[] Encode(StatusChange change)
    {
        var code = change.Code is null ? 0 : Encoding.UTF8.GetByteCount(change.Code);
        var row = new byte[FixedLength + code];
        WriteFixed(row, Format, change);
        if (change.Code is not null)
        {
            Encoding.UTF8.GetBytes(change.Code, row.AsSpan(FixedLength));
        }

        return row;
    }

    /// <summary>The row of an <c>accepted</c> status (no code) with its message's log record value after it.</summary>
    public static byte[] EncodeWithMessage(StatusChange change, ReadOnlySpan<byte> logRecordValue)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Code is not null)
        {
            throw new ArgumentException("A status carrying its message has no code.", nameof(change));
        }

        var row = new byte[FixedLength + logRecordValue.Length];
        WriteFixed(row, WithMessageFormat, change);
        logRecordValue.CopyTo(row.AsSpan(FixedLength));
        return row;
    }

    /// <summary>As above, for a message with no log record at hand: the record it would have had.</summary>
    public static byte[] EncodeWithMessage(StatusChange change, Message message) =>
        EncodeWithMessage(change, LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message)));

    /// <summary>The message a status row carries (format 3), or null.</summary>
    public static Message? MessageIn(ReadOnlySpan<byte> row) =>
        !row.IsEmpty && row[0] == WithMessageFormat && row.Length > FixedLength
            ? LogEnvelopeCodec.DecodeValue(row[FixedLength..]).Message ?? throw new InvalidDataException("A status row carries a log record without a message.")
            : null;

    private static void WriteFixed(Span<byte> row, byte format, StatusChange change)
    {
        row[0] = format;
        row[1] = (byte)change.Status;
        BinaryPrimitives.WriteInt32BigEndian(row[2..], change.Seq);
        BinaryPrimitives.WriteInt64BigEndian(row[6..], change.At.UtcTicks);
        BinaryPrimitives.WriteInt16BigEndian(row[14..], (short)change.At.Offset.TotalMinutes);
    }

    public static StatusChange Decode(ReadOnlySpan<byte> row)
    {
        if (row.IsEmpty || (row[0] != Format && row[0] != WithMessageFormat))
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
        var code = row[0] == Format && row.Length > FixedLength ? Encoding.UTF8.GetString(row[FixedLength..]) : null;
        return new StatusChange((MessageStatus)row[1], at, BinaryPrimitives.ReadInt32BigEndian(row[2..]), code);
    }
}
