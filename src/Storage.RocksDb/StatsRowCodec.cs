using System.Buffers.Binary;
using System.Text.Json;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// A conversation's counters row, rewritten with every message placed on its timeline: a
/// versioned binary layout instead of JSON. Layout (format 1): format byte, last sequence,
/// outbound and inbound counts (int64 each), last message at as UTC ticks (int64) and offset
/// minutes (int16). Rows written as JSON before this layout are still read.
/// </summary>
internal static class StatsRowCodec
{
    private const byte Format = 1;
    private const int Length = 1 + 8 + 8 + 8 + 8 + 2;

    public static byte[] Encode(ConversationStats stats)
    {
        var row = new byte[Length];
        var span = row.AsSpan();
        span[0] = Format;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], stats.LastSeq);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], stats.Outbound);
        BinaryPrimitives.WriteInt64BigEndian(span[17..], stats.Inbound);
        BinaryPrimitives.WriteInt64BigEndian(span[25..], stats.LastMessageAt.UtcTicks);
        BinaryPrimitives.WriteInt16BigEndian(span[33..], (short)stats.LastMessageAt.Offset.TotalMinutes);
        return row;
    }

    public static ConversationStats Decode(ReadOnlySpan<byte> row)
    {
        if (row.IsEmpty || row[0] != Format)
        {
            // A row from before this layout: JSON, which starts with '{'.
            return JsonSerializer.Deserialize(row, CoreJsonContext.Default.ConversationStats)
                ?? throw new InvalidDataException("A conversation's counters row reads as null.");
        }

        if (row.Length < Length)
        {
            throw new InvalidDataException("A conversation's counters row is shorter than its layout.");
        }

        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16BigEndian(row[33..]));
        var at = new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(row[25..]), TimeSpan.Zero).ToOffset(offset);
        return new ConversationStats(
            BinaryPrimitives.ReadInt64BigEndian(row[1..]),
            BinaryPrimitives.ReadInt64BigEndian(row[9..]),
            BinaryPrimitives.ReadInt64BigEndian(row[17..]),
            at);
    }
}
