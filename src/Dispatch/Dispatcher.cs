using MessagingGateway.Core.Log;
using MessagingGateway.Core.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Reads the log as consumer group <c>dispatch</c> and feeds each partition's records to its
/// lanes. Positions are committed after processing, up to the lowest unfinished record, so a
/// crash replays at most the unfinished tail, and processing is safe to replay.
/// </summary>
public sealed partial class Dispatcher(IMessageLog log, ConversationProcessor processor, IOptions<DispatchOptions> options, ILogger<Dispatcher> logger) : BackgroundService
{
    public const string ConsumerGroup = "dispatch";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private ILogConsumer? _consumer;
    private PartitionLanes[] _lanes = [];

    public bool IsRunning => Volatile.Read(ref _consumer) is not null && ExecuteTask is { IsCompleted: false };

    /// <summary>Everything durable in the log has been read and finished.</summary>
    public bool IsIdle
    {
        get
        {
            if (Volatile.Read(ref _consumer) is not { IsCaughtUp: true })
            {
                return false;
            }

            foreach (var lanes in Volatile.Read(ref _lanes))
            {
                if (lanes.InFlight > 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var consumer = log.CreateConsumer(ConsumerGroup);
        var lanes = new PartitionLanes[log.PartitionCount];
        for (var p = 0; p < lanes.Length; p++)
        {
            lanes[p] = new PartitionLanes(p, ProcessWithRetryAsync, stoppingToken);
        }

        Volatile.Write(ref _lanes, lanes);
        Volatile.Write(ref _consumer, consumer);
        using var commitTimer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var commits = CommitLoopAsync(consumer, lanes, commitTimer, stoppingToken);
        try
        {
            var limit = options.Value.MaxInFlightPerPartition;
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await consumer.ConsumeAsync(stoppingToken);
                var partition = lanes[batch.Partition];
                while (partition.InFlight >= limit)
                {
                    await Task.Delay(5, stoppingToken); // backpressure: let the lanes catch up
                }

                foreach (var entry in batch.Entries)
                {
                    partition.Add(entry);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (LogUnavailableException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await commits;
            foreach (var partition in lanes)
            {
                await partition.DrainAsync(); // nothing may touch the store once the host closes it
            }

            await CommitAsync(consumer, lanes);
            Volatile.Write(ref _consumer, null);
        }
    }

    private static async Task CommitLoopAsync(ILogConsumer consumer, PartitionLanes[] lanes, PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CommitAsync(consumer, lanes);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task CommitAsync(ILogConsumer consumer, PartitionLanes[] lanes)
    {
        foreach (var partition in lanes)
        {
            if (partition.TryTakeCommit(out var next))
            {
                await consumer.CommitAsync(partition.Partition, next);
            }
        }
    }

    private async Task ProcessWithRetryAsync(LogEntry entry, CancellationToken cancellationToken)
    {
        LogEnvelope envelope;
        try
        {
            envelope = LogEnvelopeCodec.DecodeValue(entry.Value.Span);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            // A record that cannot be read will never become readable: skip it, loudly.
            LogUnreadableRecord(entry.Position.Partition, entry.Position.Offset, ex);
            return;
        }

        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                await processor.ProcessAsync(envelope, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Holding the conversation keeps its order while the store recovers.
                LogProcessingFailed(entry.Position.Partition, entry.Position.Offset, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Skipping unreadable log record at partition {Partition} offset {Offset}")]
    private partial void LogUnreadableRecord(int partition, long offset, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Processing partition {Partition} offset {Offset} failed; retrying in {DelayMs} ms")]
    private partial void LogProcessingFailed(int partition, long offset, double delayMs, Exception exception);
}
