using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MessagingGateway.Core.Serialization;

/// <summary>Encodes log records: key = conversation id (UTF-8), value = the JSON envelope.</summary>
public static class LogEnvelopeCodec
{
    public static byte[] EncodeKey(string conversationId) => Encoding.UTF8.GetBytes(conversationId);

    public static byte[] EncodeValue(LogEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, CoreJsonContext.Default.LogEnvelope);

    /// <summary>Writes the envelope into a caller's buffer (pooled on the hot path).</summary>
    public static void EncodeValue(LogEnvelope envelope, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, envelope, CoreJsonContext.Default.LogEnvelope);
    }

    public static LogEnvelope DecodeValue(ReadOnlySpan<byte> value) =>
        JsonSerializer.Deserialize(value, CoreJsonContext.Default.LogEnvelope)
        ?? throw new InvalidDataException("A log record holds no envelope.");
}
