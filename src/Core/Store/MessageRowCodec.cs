using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Core.Store;

/// <summary>
/// A message's row in every store. Format 2: a format byte, then the bytes of the message's log
/// record as they were appended (its envelope), so an accepted message is encoded once for the log
/// and the store. Rows of format 1, the message alone as JSON (starting with '{'), were written
/// before it and are still read.
/// </summary>
public static class MessageRowCodec
{
    private const byte LogRecordFormat = 2;

    /// <summary>The row of a message whose log record value is <paramref name="logValue"/>.</summary>
    public static byte[] FromLogRecord(ReadOnlySpan<byte> logValue)
    {
        var row = new byte[1 + logValue.Length];
        row[0] = LogRecordFormat;
        logValue.CopyTo(row.AsSpan(1));
        return row;
    }

    /// <summary>The row of a message with no log record at hand: the record it would have had.</summary>
    public static byte[] Encode(Message message) => FromLogRecord(LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message)));

    public static Message Decode(ReadOnlySpan<byte> row)
    {
        if (!row.IsEmpty && row[0] == LogRecordFormat)
        {
            return LogEnvelopeCodec.DecodeValue(row[1..]).Message
                ?? throw new InvalidDataException("A message row holds a log record without a message.");
        }

        return JsonSerializer.Deserialize(row, CoreJsonContext.Default.Message)
            ?? throw new InvalidDataException("A message row reads as null.");
    }
}
