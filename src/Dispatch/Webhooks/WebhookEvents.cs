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
    public const string MessageStatus = StatusEvent.Type;
    public const string MessageInbound = "message.inbound";

    public static string EventId(string type, Guid messageId, int seq) => StatusEvent.IdOf(type, messageId, seq);

    /// <summary>A status change's event; its id and body are made only when read (see <see cref="WebhookEvent"/>).</summary>
    public static WebhookEvent Status(Message message, StatusChange change)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WebhookEvent.OfStatus(StatusEvent.Of(message, change), message.TenantId, message.ConversationId);
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
