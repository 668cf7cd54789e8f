using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// The envelope every event shares (<c>id, type, createdAt, conversationId, data</c>) and ids
/// derived from what happened, so the same happening processed again is the same event.
/// </summary>
public static class WebhookEventBody
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An id from the event type and a subject that names what happened (e.g. payment id and status).</summary>
    public static string EventId(string type, string subject)
    {
        var input = Encoding.UTF8.GetBytes(type + "\n" + subject);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return "evt_" + Convert.ToHexStringLower(hash[..16]);
    }

    public static byte[] Write<TState>(string id, string type, DateTimeOffset createdAt, string conversationId, TState state, Action<Utf8JsonWriter, TState> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("type"u8, type);
            writer.WriteString("createdAt"u8, createdAt.UtcDateTime);
            writer.WriteString("conversationId"u8, conversationId);
            writer.WriteStartObject("data"u8);
            writeData(writer, state);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
