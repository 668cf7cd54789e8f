using System.Buffers;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Validation;
using MessagingGateway.Dispatch;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Messages;

/// <summary>
/// Turns validated sends into accepted messages: one durable log append for all of them (the
/// acknowledgement), then the message rows so a read right after the 202 finds them.
/// </summary>
public sealed partial class MessageIntake(IMessageLog log, IConversationStore store, ILogger<MessageIntake> logger, DispatchBacklog? backlog = null)
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
    /// Completes once every message is durable in the log: from then on they are accepted, even if
    /// their rows cannot be written (dispatch writes them). Throws <see cref="LogUnavailableException"/>
    /// when nothing could be appended.
    /// </summary>
    public async ValueTask AcceptAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (backlog is not null)
        {
            // Before the append: a message acknowledged is never held back, only one not yet taken.
            await backlog.WaitForRoomAsync(messages.Count, cancellationToken);
        }

        var records = new LogRecord[messages.Count];
        var positions = new LogPosition[messages.Count];
        for (var i = 0; i < records.Length; i++)
        {
            // Straight to an array of the record's size: JSON's own pooled buffer, no growing writer per request.
            var message = messages[i];
            var stream = message.Direction == MessageDirection.Outbound ? LogStream.Outbound : LogStream.Inbound;
            records[i] = new LogRecord(LogEnvelopeCodec.EncodeKey(message.ConversationId), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message)), stream);
        }

        await log.AppendManyAsync(records, positions, cancellationToken);
        GatewayMetrics.MessagesAccepted.Add(records.Length);

        // Durable from here on: these writes must finish even if the client has gone away.
        try
        {
            await store.PutAcceptedAsync(messages, records, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Not a reason to answer an error: the messages will be delivered, and a client told
            // otherwise would send them again. Dispatch writes the rows when it places them.
            LogRowsNotWritten(messages[0].TenantId, messages.Count, messages[0].Id, ex);
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Tenant {TenantId}: {Count} message(s) from {FirstId} are in the log but their rows could not be written; accepted anyway, dispatch writes the rows")]
    private partial void LogRowsNotWritten(string tenantId, int count, Guid firstId, Exception exception);
}
