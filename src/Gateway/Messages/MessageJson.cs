using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Gateway.Messages;

/// <summary>The API's JSON for messages, written directly with <see cref="Utf8JsonWriter"/>.</summary>
internal static class MessageJson
{
    /// <summary>The fields of an accepted message, shared by the 202 response and batch results.</summary>
    public static void WriteAcceptedFields(Utf8JsonWriter writer, Message message)
    {
        writer.WriteString("id"u8, message.Id);
        writer.WriteString("conversationId"u8, message.ConversationId);
        writer.WriteString("status"u8, "accepted"u8);
        writer.WriteString("acceptedAt"u8, message.AcceptedAt.UtcDateTime);
    }

    public static void WriteAccepted(Utf8JsonWriter writer, Message message)
    {
        writer.WriteStartObject();
        WriteAcceptedFields(writer, message);
        writer.WriteEndObject();
    }

    /// <param name="handoff">The hand-over to the channel, if it happened: its time and the provider's message id.</param>
    public static void WriteMessage(Utf8JsonWriter writer, StoredMessage stored, Core.Channels.ChannelHandoff? handoff = null)
    {
        var message = stored.Message;
        writer.WriteStartObject();
        writer.WriteString("id"u8, message.Id);
        writer.WriteString("conversationId"u8, message.ConversationId);
        if (stored.ConversationSeq is { } seq)
        {
            writer.WriteNumber("conversationSeq"u8, seq);
        }

        writer.WriteString("channel"u8, message.Channel.ToWire());
        writer.WriteString("direction"u8, message.Direction == MessageDirection.Outbound ? "outbound"u8 : "inbound"u8);
        writer.WriteString("from"u8, message.From);
        writer.WriteString("to"u8, message.To);
        writer.WritePropertyName("content"u8);
        JsonSerializer.Serialize(writer, message.Content, CoreJsonContext.Default.MessageContent);
        if (message.Metadata is { Count: > 0 } metadata)
        {
            writer.WriteStartObject("metadata"u8);
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteString("acceptedAt"u8, message.AcceptedAt.UtcDateTime);
        var current = stored.CurrentStatus;
        writer.WriteString("status"u8, StatusNames.Of(current.Status));
        if (current.Code is not null)
        {
            writer.WriteString("statusCode"u8, current.Code);
        }

        if (handoff is not null)
        {
            writer.WriteString("handedOverAt"u8, handoff.At.UtcDateTime);
            if (handoff.ProviderMessageId is { } providerMessageId)
            {
                writer.WriteString("providerMessageId"u8, providerMessageId);
            }
        }

        writer.WriteStartArray("statusHistory"u8);
        foreach (var change in stored.StatusHistory)
        {
            writer.WriteStartObject();
            writer.WriteString("status"u8, StatusNames.Of(change.Status));
            writer.WriteString("at"u8, change.At.UtcDateTime);
            writer.WriteNumber("seq"u8, change.Seq);
            if (change.Code is not null)
            {
                writer.WriteString("code"u8, change.Code);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
