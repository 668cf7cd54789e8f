using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// An event's row: a versioned binary layout with the body stored raw (as signed and delivered),
/// instead of JSON with the body base64-encoded inside it. Layout (format 1): format byte,
/// sequence (int64), partition (int32), created-at UTC ticks (int64) and offset minutes (int16),
/// then id, type, tenant and conversation as length-prefixed UTF-8 (uint16 lengths), then the body
/// to the end. A status event made from its facts (<see cref="WebhookEvent.Status"/>) is stored as
/// those facts instead (format 2: the same fixed part, tenant and conversation, then message id,
/// channel, status, status sequence, status time, recipient and code), about a fifth of the
/// bytes, and its id and body are made again when read. Rows written as JSON before these layouts
/// are still read.
/// </summary>
internal static class EventRowCodec
{
    private const byte Format = 1;
    private const byte StatusFormat = 2;
    private const int FixedLength = 1 + 8 + 4 + 8 + 2;
    private const int StatusFixedLength = 16 + 1 + 1 + 4 + 8 + 2;

    public static byte[] Encode(WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (webhookEvent.Status is { } status)
        {
            return EncodeStatus(webhookEvent, status);
        }

        var id = Encoding.UTF8.GetByteCount(webhookEvent.Id);
        var type = Encoding.UTF8.GetByteCount(webhookEvent.Type);
        var tenant = Encoding.UTF8.GetByteCount(webhookEvent.TenantId);
        var conversation = Encoding.UTF8.GetByteCount(webhookEvent.ConversationId);
        var row = new byte[FixedLength + 8 + id + type + tenant + conversation + webhookEvent.Body.Length];
        var span = row.AsSpan();
        span[0] = Format;
        WriteFixed(span, webhookEvent);
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
        if (!row.IsEmpty && row[0] == StatusFormat)
        {
            return DecodeStatus(row);
        }

        if (row.IsEmpty || row[0] != Format)
        {
            // A row from before this layout: JSON, which starts with '{'.
            return JsonSerializer.Deserialize(row, CoreJsonContext.Default.WebhookEvent)
                ?? throw new InvalidDataException("An event row reads as null.");
        }

        var (seq, partition, createdAt) = ReadFixed(row);
        var rest = row[FixedLength..];
        var id = ReadText(ref rest);
        var type = ReadText(ref rest);
        var tenant = ReadText(ref rest);
        var conversation = ReadText(ref rest);
        return new WebhookEvent(id, type, tenant, conversation, createdAt, rest.ToArray(), seq, partition);
    }

    private static byte[] EncodeStatus(WebhookEvent webhookEvent, StatusEvent status)
    {
        var tenant = Encoding.UTF8.GetByteCount(webhookEvent.TenantId);
        var conversation = Encoding.UTF8.GetByteCount(webhookEvent.ConversationId);
        var to = Encoding.UTF8.GetByteCount(status.To);
        var code = status.Code is null ? 0 : Encoding.UTF8.GetByteCount(status.Code);
        var row = new byte[FixedLength + 4 + tenant + conversation + StatusFixedLength + 2 + to + 1 + (status.Code is null ? 0 : 2 + code)];
        var span = row.AsSpan();
        span[0] = StatusFormat;
        WriteFixed(span, webhookEvent);
        var at = FixedLength;
        at += WriteText(span[at..], webhookEvent.TenantId, tenant);
        at += WriteText(span[at..], webhookEvent.ConversationId, conversation);
        status.MessageId.TryWriteBytes(span[at..], bigEndian: true, out _);
        span[at + 16] = (byte)status.Channel;
        span[at + 17] = (byte)status.Status;
        BinaryPrimitives.WriteInt32BigEndian(span[(at + 18)..], status.Seq);
        BinaryPrimitives.WriteInt64BigEndian(span[(at + 22)..], status.At.UtcTicks);
        BinaryPrimitives.WriteInt16BigEndian(span[(at + 30)..], (short)status.At.Offset.TotalMinutes);
        at += StatusFixedLength;
        at += WriteText(span[at..], status.To, to);
        span[at++] = status.Code is null ? (byte)0 : (byte)1;
        if (status.Code is not null)
        {
            WriteText(span[at..], status.Code, code);
        }

        return row;
    }

    private static WebhookEvent DecodeStatus(ReadOnlySpan<byte> row)
    {
        var (seq, partition, _) = ReadFixed(row);
        var rest = row[FixedLength..];
        var tenant = ReadText(ref rest);
        var conversation = ReadText(ref rest);
        var messageId = new Guid(rest[..16], bigEndian: true);
        var channel = (Channel)rest[16];
        var status = (MessageStatus)rest[17];
        if (!Enum.IsDefined(channel) || !Enum.IsDefined(status))
        {
            throw new InvalidDataException("A status event row names an unknown channel or status.");
        }

        var statusSeq = BinaryPrimitives.ReadInt32BigEndian(rest[18..]);
        var statusAt = ReadTime(rest[22..]);
        rest = rest[StatusFixedLength..];
        var to = ReadText(ref rest);
        var hasCode = rest[0] == 1;
        rest = rest[1..];
        var code = hasCode ? ReadText(ref rest) : null;
        return WebhookEvent.OfStatus(new StatusEvent(messageId, channel, to, status, statusSeq, statusAt, code), tenant, conversation, seq, partition);
    }

    /// <summary>After the format byte: sequence, partition, created-at ticks and offset.</summary>
    private static void WriteFixed(Span<byte> row, WebhookEvent webhookEvent)
    {
        BinaryPrimitives.WriteInt64BigEndian(row[1..], webhookEvent.Seq);
        BinaryPrimitives.WriteInt32BigEndian(row[9..], webhookEvent.Partition);
        BinaryPrimitives.WriteInt64BigEndian(row[13..], webhookEvent.CreatedAt.UtcTicks);
        BinaryPrimitives.WriteInt16BigEndian(row[21..], (short)webhookEvent.CreatedAt.Offset.TotalMinutes);
    }

    private static (long Seq, int Partition, DateTimeOffset CreatedAt) ReadFixed(ReadOnlySpan<byte> row) =>
        (BinaryPrimitives.ReadInt64BigEndian(row[1..]), BinaryPrimitives.ReadInt32BigEndian(row[9..]), ReadTime(row[13..]));

    /// <summary>UTC ticks (int64), then the offset in minutes (int16).</summary>
    private static DateTimeOffset ReadTime(ReadOnlySpan<byte> span) =>
        new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(span), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16BigEndian(span[8..])));

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
