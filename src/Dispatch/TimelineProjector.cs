using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Places every logged message on its conversation's timeline, in log order. Log order is
/// conversation order because a conversation lives on one partition and a partition is read by
/// one consumer. Positions are committed after a batch is stored, so a crash replays the batch;
/// a message that already has a timeline sequence is skipped, so a replay never places it twice.
/// </summary>
public sealed partial class TimelineProjector(IMessageLog log, IConversationStore store, ILogger<TimelineProjector> logger) : BackgroundService
{
    public const string ConsumerGroup = "timeline";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private ILogConsumer? _consumer;

    /// <summary>Running and reading the log.</summary>
    public bool IsRunning => Volatile.Read(ref _consumer) is not null && ExecuteTask is { IsCompleted: false };

    /// <summary>Every durable record has been read (the timeline is current up to the last batch).</summary>
    public bool IsCaughtUp => Volatile.Read(ref _consumer)?.IsCaughtUp ?? false;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var consumer = log.CreateConsumer(ConsumerGroup);
        Volatile.Write(ref _consumer, consumer);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await consumer.ConsumeAsync(stoppingToken);
                foreach (var entry in batch.Entries)
                {
                    await ProjectWithRetryAsync(entry, stoppingToken);
                }

                await consumer.CommitAsync(batch.Partition, batch.NextOffset, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the uncommitted tail is replayed at the next start.
        }
        finally
        {
            Volatile.Write(ref _consumer, null);
        }
    }

    private async Task ProjectWithRetryAsync(LogEntry entry, CancellationToken cancellationToken)
    {
        LogEnvelope envelope;
        try
        {
            envelope = LogEnvelopeCodec.DecodeValue(entry.Value.Span);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            // A record we cannot read will never become readable: skip it, loudly.
            LogUnreadableRecord(entry.Position.Partition, entry.Position.Offset, ex);
            return;
        }

        if (envelope.Message is not { } message)
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                await ProjectAsync(message, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is the only dependency; while it fails, holding the partition keeps order.
                LogProjectionFailed(message.Id, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private async ValueTask ProjectAsync(Message message, CancellationToken cancellationToken)
    {
        var stored = await store.GetMessageAsync(message.Id, cancellationToken);
        if (stored?.ConversationSeq is not null)
        {
            return;
        }

        if (stored is null)
        {
            // The accepting process stopped between the durable append and the store write.
            await store.PutMessageAsync(message, [new StatusChange(MessageStatus.Accepted, message.AcceptedAt, 1)], cancellationToken);
            await store.EnsureConversationAsync(
                new ConversationSummary(message.ConversationId, message.TenantId, message.Channel, message.BusinessAddress, message.CustomerAddress, message.AcceptedAt),
                cancellationToken);
        }

        var stats = await store.GetConversationStatsAsync(message.ConversationId, cancellationToken);
        var outbound = message.Direction == MessageDirection.Outbound;
        var next = new ConversationStats(
            stats.LastSeq + 1,
            stats.Outbound + (outbound ? 1 : 0),
            stats.Inbound + (outbound ? 0 : 1),
            message.AcceptedAt > stats.LastMessageAt ? message.AcceptedAt : stats.LastMessageAt);
        await store.AppendToTimelineAsync(new TimelineAppend(message, next.LastSeq, next), cancellationToken);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Skipping unreadable log record at partition {Partition} offset {Offset}")]
    private partial void LogUnreadableRecord(int partition, long offset, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not place message {MessageId} on its timeline; retrying in {DelayMs} ms")]
    private partial void LogProjectionFailed(Guid messageId, double delayMs, Exception exception);
}
