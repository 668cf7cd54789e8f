using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// Builds the events businesses receive. Ids are derived from what happened (type, message,
/// status sequence), so a record processed again after a crash produces the very same event.
/// </summary>
public static class WebhookEvents
{
    public const string MessageStatus = "message.status";
    public const string MessageInbound = "message.inbound";

    public static string EventId(string type, Guid messageId, int seq)
    {
        Span<byte> input = stackalloc byte[64];
        var length = Encoding.ASCII.GetBytes(type, input);
        messageId.TryWriteBytes(input[length..], bigEndian: true, out _);
        length += 16;
        BitConverter.TryWriteBytes(input[length..], seq);
        length += 4;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..length], hash);
        return "evt_" + Convert.ToHexStringLower(hash[..16]);
    }

    public static WebhookEvent Status(Message message, StatusChange change)
    {
        var id = EventId(MessageStatus, message.Id, change.Seq);
        return new WebhookEvent(id, MessageStatus, message.TenantId, message.ConversationId, change.At,
            Write(id, MessageStatus, change.At, message.ConversationId, (message, change), static (writer, state) =>
            {
                var (message, change) = state;
                writer.WriteString("messageId"u8, message.Id);
                writer.WriteString("channel"u8, message.Channel.ToWire());
                writer.WriteString("to"u8, message.To);
                writer.WriteString("status"u8, StatusNames.Of(change.Status));
                writer.WriteNumber("seq"u8, change.Seq);
                writer.WriteString("at"u8, change.At.UtcDateTime);
                if (change.Code is not null)
                {
                    writer.WriteString("code"u8, change.Code);
                }
            }));
    }

    public static WebhookEvent Inbound(Message message)
    {
        var id = EventId(MessageInbound, message.Id, 0);
        return new WebhookEvent(id, MessageInbound, message.TenantId, message.ConversationId, message.AcceptedAt,
            Write(id, MessageInbound, message.AcceptedAt, message.ConversationId, message, static (writer, message) =>
            {
                writer.WriteString("messageId"u8, message.Id);
                writer.WriteString("channel"u8, message.Channel.ToWire());
                writer.WriteString("from"u8, message.From);
                writer.WriteString("to"u8, message.To);
                writer.WritePropertyName("content"u8);
                JsonSerializer.Serialize(writer, message.Content, CoreJsonContext.Default.MessageContent);
                writer.WriteString("receivedAt"u8, message.AcceptedAt.UtcDateTime);
            }));
    }

    private static byte[] Write<TState>(string id, string type, DateTimeOffset createdAt, string conversationId, TState state, Action<Utf8JsonWriter, TState> writeData) =>
        WebhookEventBody.Write(id, type, createdAt, conversationId, state, writeData);
}
