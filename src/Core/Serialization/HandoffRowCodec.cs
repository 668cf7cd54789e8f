using System.Text.Json;
using MessagingGateway.Core.Channels;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// A hand-over record's row: format byte 1, then message id, handed-over time, provider message id,
/// sent-at and started-at (each optional), in the log record's encodings. Rows written as JSON
/// before it (they start with '{') are still read.
/// </summary>
public static class HandoffRowCodec
{
    private const byte Format = 1;

    public static byte[] Encode(ChannelHandoff handoff)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        return EnvelopeWriter.ToArray(handoff, Write);
    }

    /// <summary>Reads a row; a damaged one is an <see cref="InvalidDataException"/> or a <see cref="JsonException"/> (JSON rows).</summary>
    public static ChannelHandoff Decode(ReadOnlySpan<byte> row)
    {
        if (EnvelopeReader.IsJson(row))
        {
            return JsonSerializer.Deserialize(row, CoreJsonContext.Default.ChannelHandoff)
                ?? throw new InvalidDataException("A hand-over row reads as null.");
        }

        var reader = new EnvelopeReader(row);
        reader.ReadFormat(Format, "A hand-over row");

        var handoff = new ChannelHandoff(
            reader.ReadGuid(),
            reader.ReadTime(),
            reader.ReadNullableString(),
            reader.ReadOptionalTime(),
            reader.ReadOptionalTime());
        return reader.AtEnd ? handoff : throw new InvalidDataException("A hand-over row has bytes after its fields.");
    }

    private static void Write(ref EnvelopeWriter writer, ChannelHandoff handoff)
    {
        writer.WriteByte(Format);
        writer.WriteGuid(handoff.MessageId);
        writer.WriteTime(handoff.At);
        writer.WriteString(handoff.ProviderMessageId);
        writer.WriteOptionalTime(handoff.SentAt);
        writer.WriteOptionalTime(handoff.StartedAt);
    }
}
