using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Dispatch.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Does what one log record asks, for one conversation at a time: places messages on the
/// timeline, hands outbound ones to their channel, applies receipts through the status machine
/// and payment statuses through <see cref="IPaymentUpdates"/>, and publishes the business's
/// events. What a record decides goes to its lane's <see cref="DispatchUnit"/>: with the rest of
/// its consumer batch as one write through <see cref="IDispatchStore"/>, made durable before a
/// send leaves and before the batch's positions are committed. Every step checks what is already
/// stored (or written earlier in the batch) first, so a record processed again after a crash
/// changes nothing twice and sends nothing twice.
/// </summary>
public sealed partial class ConversationProcessor(
    IConversationStore store,
    IDeliveryLedger ledger,
    IDispatchStore writer,
    OutboxFeed outbox,
    ChannelRouter channels,
    TimeProvider time,
    IOptions<DispatchOptions> options,
    ILogger<ConversationProcessor> logger,
    IEventTopic? eventTopic = null,
    IPaymentUpdates? payments = null)
{
    private readonly RecentMessages _recent = new(options.Value.RecentMessages);

    /// <summary>Drops what is known about messages: their conversations may now be written by another dispatcher.</summary>
    public void Forget() => _recent.Clear();

    /// <param name="partition">The log partition the record was read from (its events are numbered there).</param>
    /// <param name="unit">Where the record's lane writes.</param>
    internal async ValueTask ProcessAsync(LogEnvelope envelope, int partition, DispatchUnit unit, CancellationToken cancellationToken)
    {
        var writes = new DispatchWrites(partition);
        if (envelope.Message is { } message)
        {
            var stored = await PlaceOnTimelineAsync(message, writes, unit, cancellationToken);
            if (message.Direction == MessageDirection.Outbound)
            {
                await HandToChannelAsync(stored, writes, unit, cancellationToken);
            }
        }
        else if (envelope.Receipt is { } receipt)
        {
            await ApplyReceiptAsync(receipt, writes, unit, cancellationToken);
        }
        else if (envelope.Payment is { } update && payments is not null)
        {
            // In the conversation's order: events first, then the confirmation goes out like any message.
            var outcome = await payments.ApplyAsync(update, cancellationToken);
            foreach (var paymentEvent in outcome.Events)
            {
                Publish(paymentEvent, writes);
            }

            foreach (var confirmation in outcome.Messages)
            {
                await HandToChannelAsync(await PlaceOnTimelineAsync(confirmation, writes, unit, cancellationToken), writes, unit, cancellationToken);
            }
        }

        await unit.CompleteAsync(writes, cancellationToken);
    }

    private async ValueTask<StoredMessage> PlaceOnTimelineAsync(Message message, DispatchWrites writes, DispatchUnit unit, CancellationToken cancellationToken)
    {
        if (unit.Find(message.Id) is { ConversationSeq: not null } placed)
        {
            return placed; // earlier in this batch
        }

        // The message itself is not read back: it came decoded from the log record.
        var placement = await store.GetPlacementAsync(message.Id, message.ConversationId, cancellationToken);
        var stored = new StoredMessage(message, placement.StatusHistory, placement.ConversationSeq);
        if (!placement.IsStored)
        {
            // The accepting process stopped between the durable append and the store write.
            writes.PutAccepted(message);
            stored = stored with { StatusHistory = [new StatusChange(MessageStatus.Accepted, message.AcceptedAt, 1)] };
        }

        if (stored.ConversationSeq is not null)
        {
            return stored;
        }

        var stats = unit.StatsOf(message.ConversationId) ?? placement.Stats;
        var outbound = message.Direction == MessageDirection.Outbound;
        var next = new ConversationStats(
            stats.LastSeq + 1,
            stats.Outbound + (outbound ? 1 : 0),
            stats.Inbound + (outbound ? 0 : 1),
            message.AcceptedAt > stats.LastMessageAt ? message.AcceptedAt : stats.LastMessageAt);
        writes.AppendToTimeline(new TimelineAppend(message, next.LastSeq, next));
        if (!outbound)
        {
            // Written with its place on the timeline: a replay finds it placed and publishes nothing.
            writes.PublishNew(WebhookEvents.Inbound(message), time.GetUtcNow());
        }

        unit.Placed(message.ConversationId, next);
        placed = stored with { ConversationSeq = next.LastSeq };
        unit.Remember(placed);
        return placed;
    }

    private async ValueTask HandToChannelAsync(StoredMessage stored, DispatchWrites writes, DispatchUnit unit, CancellationToken cancellationToken)
    {
        var history = new List<StatusChange>(stored.StatusHistory);
        await HandOverAsync(stored, history, writes, unit, cancellationToken);
        unit.Remember(stored with { StatusHistory = [.. history] });
    }

    private async ValueTask HandOverAsync(StoredMessage stored, List<StatusChange> history, DispatchWrites writes, DispatchUnit unit, CancellationToken cancellationToken)
    {
        var message = stored.Message;
        var current = StatusProgress.Current(history);
        if (current.Status == MessageStatus.Failed)
        {
            return; // a replay: failed, and its event, were written together before
        }

        if (history.Exists(change => change.Status == MessageStatus.Queued))
        {
            if ((unit.HandoffOf(message.Id) ?? await ledger.GetHandoffAsync(message.Id, cancellationToken)) is { } handedOver)
            {
                RecordSent(message, history, handedOver, writes);
                return; // handed over before a restart: never send twice
            }
        }
        else
        {
            Record(message, history, MessageStatus.Queued, time.GetUtcNow(), null, writes);
        }

        // Its place on the timeline and `queued` are stored before the message leaves.
        await unit.FlushAsync(writes, cancellationToken);
        var connector = await channels.ForAsync(message, cancellationToken);
        var settings = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            ChannelSendResult result;
            var started = time.GetUtcNow();
            var sending = StartSend(connector, message, cancellationToken);
            if (!sending.IsCompleted)
            {
                await unit.LeaveBatchAsync(); // a channel we wait for must not hold up the rest of the batch
            }

            try
            {
                result = await sending;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogConnectorError(message.Id, ex);
                result = ChannelSendResult.Transient("connector_error");
            }

            switch (result.Outcome)
            {
                case SendOutcome.Accepted:
                    GatewayMetrics.MessagesHandedOver.Add(1);
                    var now = time.GetUtcNow();
                    var handoff = new ChannelHandoff(message.Id, now, result.ProviderMessageId, result.ConfirmsSent ? result.SentAt ?? now : null, started);
                    writes.PutHandoff(handoff);
                    unit.Remember(handoff);
                    RecordSent(message, history, handoff, writes);
                    _recent.Remember(stored with { StatusHistory = [.. history] }); // its receipts come next
                    if (result.ProviderMessageId is { } providerId)
                    {
                        // A provider may report before we stored its id: those statuses were kept
                        // aside. The hand-over is stored first, so one arriving from now on finds it.
                        await unit.FlushAsync(writes, cancellationToken);
                        unit.Remember(stored with { StatusHistory = [.. history] });
                        foreach (var early in await ledger.TakeOrphansAsync(ProviderStatus.OrphanId(providerId), cancellationToken))
                        {
                            await ApplyReceiptAsync(early with { MessageId = message.Id, TenantId = message.TenantId, ConversationId = message.ConversationId }, writes, unit, cancellationToken);
                        }

                        history.Clear();
                        history.AddRange(unit.Find(message.Id)!.StatusHistory); // as the receipts left it
                    }

                    return;
                case SendOutcome.PermanentFailure:
                    GatewayMetrics.SendFailures.Add(1, new KeyValuePair<string, object?>("kind", "permanent"));
                    Record(message, history, MessageStatus.Failed, time.GetUtcNow(), result.Code ?? "rejected", writes);
                    return;
            }

            GatewayMetrics.SendFailures.Add(1, new KeyValuePair<string, object?>("kind", "transient"));
            if (attempt >= settings.MaxSendAttempts)
            {
                Record(message, history, MessageStatus.Failed, time.GetUtcNow(), "retries_exhausted", writes);
                return;
            }

            // Only this conversation waits; the partition's other conversations go on.
            var delay = result.RetryAfter ?? Backoff.Delay(settings.SendRetryBaseDelay, settings.SendRetryMaxDelay, attempt);
            LogSendRetry(message.Id, attempt, result.Code, delay.TotalMilliseconds);
            await unit.LeaveBatchAsync();
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>
    /// <c>sent</c> from the provider's own answer (Telegram, Messenger, Instagram: no receipt says
    /// it), once.
    /// </summary>
    private void RecordSent(Message message, List<StatusChange> history, ChannelHandoff handoff, DispatchWrites writes)
    {
        if (handoff.SentAt is { } at)
        {
            RecordReported(message, history, MessageStatus.Sent, at, null, writes);
        }
    }

    /// <summary>
    /// A status reported from outside (a receipt, the provider's answer), recorded once: reported
    /// again (a replay, a provider repeating itself), nothing happens, as its event was written with
    /// it. Returns whether it was new.
    /// </summary>
    private bool RecordReported(Message message, List<StatusChange> history, MessageStatus status, DateTimeOffset at, string? code, DispatchWrites writes)
    {
        if (history.Exists(change => change.Status == status && change.At == at && change.Code == code))
        {
            return false;
        }

        Record(message, history, status, at, code, writes);
        return true;
    }

    private async ValueTask ApplyReceiptAsync(StatusReceipt receipt, DispatchWrites writes, DispatchUnit unit, CancellationToken cancellationToken)
    {
        var stored = unit.Find(receipt.MessageId) ?? _recent.Find(receipt.MessageId) ?? await store.GetMessageAsync(receipt.MessageId, cancellationToken);
        if (stored is null || stored.Message.TenantId != receipt.TenantId)
        {
            await ledger.RecordOrphanAsync(receipt, cancellationToken);
            GatewayMetrics.OrphanReceipts.Add(1);
            LogOrphanReceipt(receipt.MessageId, receipt.Status);
            return;
        }

        var history = new List<StatusChange>(stored.StatusHistory);
        if (!RecordReported(stored.Message, history, receipt.Status, receipt.At, receipt.Code, writes))
        {
            return;
        }

        unit.Remember(stored with { StatusHistory = [.. history] });

        if (StatusProgress.Current(history).Status is MessageStatus.Read or MessageStatus.Failed)
        {
            _recent.Forget(receipt.MessageId); // the last receipt a message gets
        }
        else
        {
            _recent.Remember(stored with { StatusHistory = [.. history] });
        }
    }

    /// <summary>Adds a status change; only one that moves the message forward becomes an event.</summary>
    private void Record(Message message, List<StatusChange> history, MessageStatus status, DateTimeOffset at, string? code, DispatchWrites writes)
    {
        var current = StatusProgress.Current(history);
        var seq = 0;
        foreach (var change in history)
        {
            seq = Math.Max(seq, change.Seq);
        }

        var next = new StatusChange(status, at, seq + 1, code);
        writes.AppendStatus(message.Id, next);
        history.Add(next);
        var advances = StatusProgress.Advances(current.Status, status);
        GatewayMetrics.StatusChanges.Add(1, new KeyValuePair<string, object?>("status", StatusNames.Of(status)), new KeyValuePair<string, object?>("late", !advances));
        if (advances)
        {
            writes.PublishNew(WebhookEvents.Status(message, next), time.GetUtcNow()); // written with its status, so never before
        }
        else
        {
            LogLateStatus(message.Id, status, current.Status);
        }
    }

    private void Publish(WebhookEvent webhookEvent, DispatchWrites writes) => writes.Publish(webhookEvent, time.GetUtcNow());

    /// <summary>Writes dispatch units as one store write, then queues their events' deliveries.</summary>
    internal async ValueTask WriteAsync(IReadOnlyList<DispatchWrites> units, CancellationToken cancellationToken)
    {
        foreach (var entry in await writer.WriteAsync(units, cancellationToken))
        {
            outbox.Add(entry);
        }

        if (eventTopic is not null)
        {
            // Also on a replay: the first attempt may have died before this; the id is the same.
            // All produced in order first, then their acknowledgements awaited together: one
            // round trip to the brokers for the batch, not one per event.
            List<Task>? acknowledgements = null;
            foreach (var writes in units)
            {
                foreach (var (webhookEvent, _) in writes.Events)
                {
                    var published = eventTopic.PublishAsync(webhookEvent, cancellationToken);
                    if (!published.IsCompletedSuccessfully)
                    {
                        (acknowledgements ??= []).Add(published.AsTask());
                    }
                }
            }

            if (acknowledgements is not null)
            {
                await Task.WhenAll(acknowledgements);
            }
        }

        foreach (var writes in units)
        {
            writes.Clear();
        }
    }

    private static ValueTask<ChannelSendResult> StartSend(IChannelConnector connector, Message message, CancellationToken cancellationToken)
    {
        try
        {
            return connector.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromException<ChannelSendResult>(ex); // answered like a send that failed later
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Channel connector failed for message {MessageId}")]
    private partial void LogConnectorError(Guid messageId, Exception exception);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Send of message {MessageId} failed transiently (attempt {Attempt}, {Code}); retrying in {DelayMs} ms")]
    private partial void LogSendRetry(Guid messageId, int attempt, string? code, double delayMs);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Receipt for unknown message {MessageId} ({Status}) recorded as an orphan")]
    private partial void LogOrphanReceipt(Guid messageId, MessageStatus status);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Late {Status} for message {MessageId} kept in history; current status stays {Current}")]
    private partial void LogLateStatus(Guid messageId, MessageStatus status, MessageStatus current);
}
