using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// A sandbox handset's inbox row: format byte 1, then address, message id, tenant, conversation,
/// channel, business address, content (as in the log record, <see cref="EnvelopeLayout"/>),
/// received-at and receipts owed, in the log record's encodings. Rows written as JSON before it
/// (they start with '{') are still read.
/// </summary>
public static class HandsetRowCodec
{
    private const byte Format = 1;

    public static byte[] Encode(HandsetMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EnvelopeWriter.ToArray(message, Write);
    }

    /// <summary>Reads a row; a damaged one is an <see cref="InvalidDataException"/> or a <see cref="JsonException"/> (JSON rows).</summary>
    public static HandsetMessage Decode(ReadOnlySpan<byte> row)
    {
        if (EnvelopeReader.IsJson(row))
        {
            return JsonSerializer.Deserialize(row, CoreJsonContext.Default.HandsetMessage)
                ?? throw new InvalidDataException("A handset row reads as null.");
        }

        var reader = new EnvelopeReader(row);
        reader.ReadFormat(Format, "A handset row");

        var address = reader.ReadString();
        var messageId = reader.ReadGuid();
        var tenantId = reader.ReadString();
        var conversationId = reader.ReadString();
        var channel = (Channel)reader.ReadCount();
        if (!Enum.IsDefined(channel))
        {
            throw new InvalidDataException("A handset row names an unknown channel.");
        }

        var businessAddress = reader.ReadString();
        var content = EnvelopeLayout.ReadContent(ref reader);
        var message = new HandsetMessage(address, messageId, tenantId, conversationId, channel, businessAddress, content, reader.ReadTime(), reader.ReadCount());
        return reader.AtEnd ? message : throw new InvalidDataException("A handset row has bytes after its fields.");
    }

    private static void Write(ref EnvelopeWriter writer, HandsetMessage message)
    {
        writer.WriteByte(Format);
        writer.WriteString(message.Address);
        writer.WriteGuid(message.MessageId);
        writer.WriteString(message.TenantId);
        writer.WriteString(message.ConversationId);
        writer.WriteCount((int)message.Channel);
        writer.WriteString(message.BusinessAddress);
        EnvelopeLayout.WriteContent(ref writer, message.Content);
        writer.WriteTime(message.ReceivedAt);
        writer.WriteCount(message.ReceiptsOwed);
    }
}
