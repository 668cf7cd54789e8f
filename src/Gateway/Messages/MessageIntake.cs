using System.Buffers;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Validation;

namespace MessagingGateway.Gateway.Messages;

/// <summary>
/// Turns validated sends into accepted messages: one durable log append for all of them (the
/// acknowledgement), then the message rows so a read right after the 202 finds them.
/// </summary>
public sealed class MessageIntake(IMessageLog log, IConversationStore store)
{
    public static Message Create(Tenant tenant, ValidatedSend send, Guid id, DateTimeOffset acceptedAt) => new()
    {
        Id = id,
        TenantId = tenant.Id,
        ConversationId = ConversationKey.Derive(tenant.Id, send.Channel, send.From, send.To),
        Channel = send.Channel,
        Direction = MessageDirection.Outbound,
        From = send.From,
        To = send.To,
        Content = send.Content,
        Metadata = send.Metadata,
        AcceptedAt = acceptedAt,
    };

    /// <summary>
    /// Completes once every message is durable in the log. Throws <see cref="LogUnavailableException"/>
    /// when nothing could be appended.
    /// </summary>
    public async ValueTask AcceptAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        var records = new LogRecord[messages.Count];
        var positions = new LogPosition[messages.Count];
        var buffer = new ArrayBufferWriter<byte>(512);
        for (var i = 0; i < records.Length; i++)
        {
            var message = messages[i];
            buffer.ResetWrittenCount();
            LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message), buffer);
            var stream = message.Direction == MessageDirection.Outbound ? LogStream.Outbound : LogStream.Inbound;
            records[i] = new LogRecord(LogEnvelopeCodec.EncodeKey(message.ConversationId), buffer.WrittenSpan.ToArray(), stream);
        }

        await log.AppendManyAsync(records, positions, cancellationToken);
        GatewayMetrics.MessagesAccepted.Add(records.Length);

        // Durable from here on: these writes must finish even if the client has gone away.
        await store.PutAcceptedAsync(messages, CancellationToken.None);
    }
}
