using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// An event's row: a versioned binary layout with the body stored raw (as signed and delivered),
/// instead of JSON with the body base64-encoded inside it. Layout (format 1): format byte,
/// sequence (int64), partition (int32), created-at UTC ticks (int64) and offset minutes (int16),
/// then id, type, tenant and conversation as length-prefixed UTF-8 (uint16 lengths), then the body
/// to the end. Rows written as JSON before this layout are still read.
/// </summary>
internal static class EventRowCodec
{
    private const byte Format = 1;
    private const int FixedLength = 1 + 8 + 4 + 8 + 2;

    public static byte[] Encode(WebhookEvent webhookEvent)
    {
        var id = Encoding.UTF8.GetByteCount(webhookEvent.Id);
        var type = Encoding.UTF8.GetByteCount(webhookEvent.Type);
        var tenant = Encoding.UTF8.GetByteCount(webhookEvent.TenantId);
        var conversation = Encoding.UTF8.GetByteCount(webhookEvent.ConversationId);
        var row = new byte[FixedLength + 8 + id + type + tenant + conversation + webhookEvent.Body.Length];
        var span = row.AsSpan();
        span[0] = Format;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], webhookEvent.Seq);
        BinaryPrimitives.WriteInt32BigEndian(span[9..], webhookEvent.Partition);
        BinaryPrimitives.WriteInt64BigEndian(span[13..], webhookEvent.CreatedAt.UtcTicks);
        BinaryPrimitives.WriteInt16BigEndian(span[21..], (short)webhookEvent.CreatedAt.Offset.TotalMinutes);
        var at = FixedLength;
        at += WriteText(span[at..], webhookEvent.Id, id);
        at += WriteText(span[at..], webhookEvent.Type, type);
        at += WriteText(span[at..], webhookEvent.TenantId, tenant);
        at += WriteText(span[at..], webhookEvent.ConversationId, conversation);
        webhookEvent.Body.CopyTo(span[at..]);
        return row;
    }

    public static WebhookEvent Decode(ReadOnlySpan<byte> row)
    {
        if (row.IsEmpty || row[0] != Format)
        {
            // A row from before this layout: JSON, which starts with '{'.
            return JsonSerializer.Deserialize(row, CoreJsonContext.Default.WebhookEvent)
                ?? throw new InvalidDataException("An event row reads as null.");
        }

        var seq = BinaryPrimitives.ReadInt64BigEndian(row[1..]);
        var partition = BinaryPrimitives.ReadInt32BigEndian(row[9..]);
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16BigEndian(row[21..]));
        var createdAt = new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(row[13..]), TimeSpan.Zero).ToOffset(offset);
        var rest = row[FixedLength..];
        var id = ReadText(ref rest);
        var type = ReadText(ref rest);
        var tenant = ReadText(ref rest);
        var conversation = ReadText(ref rest);
        return new WebhookEvent(id, type, tenant, conversation, createdAt, rest.ToArray(), seq, partition);
    }

    private static int WriteText(Span<byte> span, string text, int length)
    {
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException("An event's id, type, tenant or conversation is longer than 65,535 bytes.", nameof(text));
        }

        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(text, span[2..]);
        return 2 + length;
    }

    private static string ReadText(ref ReadOnlySpan<byte> span)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(span);
        var text = Encoding.UTF8.GetString(span.Slice(2, length));
        span = span[(2 + length)..];
        return text;
    }
}
