using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// Encodes log records: key = conversation id (UTF-8), value = the envelope in its binary layout
/// (<see cref="EnvelopeLayout"/>). Records written as JSON before it are still read.
/// </summary>
public static class LogEnvelopeCodec
{
    public static byte[] EncodeKey(string conversationId) => Encoding.UTF8.GetBytes(conversationId);

    /// <summary>An array of exactly the record's size, written once.</summary>
    public static byte[] EncodeValue(LogEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return EnvelopeWriter.ToArray(envelope, EnvelopeLayout.Write);
    }

    /// <summary>Writes the envelope into a caller's buffer (pooled on the hot path).</summary>
    public static void EncodeValue(LogEnvelope envelope, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(output);
        var counter = EnvelopeWriter.Counter();
        EnvelopeLayout.Write(ref counter, envelope);
        var writer = EnvelopeWriter.Into(output.GetSpan(counter.Length));
        EnvelopeLayout.Write(ref writer, envelope);
        output.Advance(counter.Length);
    }

    /// <summary>Reads a record; a damaged one is an <see cref="InvalidDataException"/> or a <see cref="JsonException"/> (JSON records).</summary>
    public static LogEnvelope DecodeValue(ReadOnlySpan<byte> value)
    {
        if (EnvelopeReader.IsJson(value))
        {
            return JsonSerializer.Deserialize(value, CoreJsonContext.Default.LogEnvelope)
                ?? throw new InvalidDataException("A log record holds no envelope.");
        }

        return EnvelopeLayout.Read(value);
    }
}
