using System.Security.Cryptography;
using System.Text;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// What a <c>message.status</c> event says: the message and its status change. Its id and JSON
/// body follow from these alone, so the store keeps these (about a fifth of the body's bytes) and
/// the body is written only when someone reads or receives the event.
/// </summary>
public sealed record StatusEvent(Guid MessageId, Channel Channel, string To, MessageStatus Status, int Seq, DateTimeOffset At, string? Code)
{
    public const string Type = "message.status";

    public static StatusEvent Of(Message message, StatusChange change)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(change);
        return new(message.Id, message.Channel, message.To, change.Status, change.Seq, change.At, change.Code);
    }

    /// <summary>Derived from what happened (type, message, status sequence): a replay yields the same id.</summary>
    public static string IdOf(string type, Guid messageId, int seq)
    {
        ArgumentNullException.ThrowIfNull(type);
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

    public string Id() => IdOf(Type, MessageId, Seq);

    /// <summary>The body delivered and signed: the shared envelope with the status in <c>data</c>.</summary>
    public byte[] Body(string id, string conversationId) =>
        WebhookEventBody.Write(id, Type, At, conversationId, this, static (writer, status) =>
        {
            writer.WriteString("messageId"u8, status.MessageId);
            writer.WriteString("channel"u8, status.Channel.ToWire());
            writer.WriteString("to"u8, status.To);
            writer.WriteString("status"u8, StatusNames.Of(status.Status));
            writer.WriteNumber("seq"u8, status.Seq);
            writer.WriteString("at"u8, status.At.UtcDateTime);
            if (status.Code is not null)
            {
                writer.WriteString("code"u8, status.Code);
            }
        });
}
