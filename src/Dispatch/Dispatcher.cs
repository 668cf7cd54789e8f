using System.Collections.Concurrent;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Reads the log as consumer group <c>dispatch</c> and feeds each assigned partition's records to
/// its lanes. Positions are committed after processing, up to the lowest unfinished record, so a
/// crash or a rebalance replays at most the unfinished tail, and processing is safe to replay.
/// </summary>
public sealed partial class Dispatcher(
    IMessageLog log,
    ConversationProcessor processor,
    IEnumerable<IPartitionAssignment> followers,
    IQuarantine quarantine,
    TimeProvider time,
    IOptions<DispatchOptions> options,
    ILogger<Dispatcher> logger,
    DispatchBacklog? backlog = null)
    : BackgroundService, IPartitionAssignment
{
    public const string ConsumerGroup = "dispatch";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private static readonly LogStream[] Streams = [LogStream.Outbound, LogStream.Inbound];

    private readonly ConcurrentDictionary<int, PartitionLanes> _partitions = new();
    // Requests first: dispatch's work queues here, not in the pool's one queue, and at most one
    // pool item per core takes it, each giving its thread back after a few steps.
    private readonly TaskScheduler _scheduler = options.Value.RequestsFirst
        ? new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Environment.ProcessorCount, maxItemsPerTask: 16).ConcurrentScheduler
        : TaskScheduler.Default;

    private ILogConsumer? _consumer;
    private long _processed; // records finished, so a failing record can tell a store outage from itself
    private CancellationToken _stopping;

    public bool IsRunning => Volatile.Read(ref _consumer) is not null && ExecuteTask is { IsCompleted: false };

    /// <summary>The partitions this dispatcher owns right now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => [.. _partitions.Keys];

    /// <summary>Everything durable in the log has been read and finished.</summary>
    public bool IsIdle
    {
        get
        {
            if (Volatile.Read(ref _consumer) is not { IsCaughtUp: true })
            {
                return false;
            }

            foreach (var lanes in _partitions.Values)
            {
                if (lanes.InFlight > 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public void Assigned(IReadOnlyList<int> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions[partition] = new PartitionLanes(partition, ProcessWithRetryAsync, processor.WriteAsync, processor.Forget, _scheduler, _stopping);
        }

        processor.Forget();
        foreach (var follower in followers)
        {
            follower.Assigned(partitions); // before any record of them is read (webhook deliveries, sandbox receipts)
        }

        LogAssigned(partitions.Count);
    }

    public void Revoked(IReadOnlyList<int> partitions)
    {
        // Runs inside the consumer's rebalance: abandon unfinished work, commit what is finished,
        // and only then let the partitions go, so the next owner starts right after it.
        foreach (var partition in partitions)
        {
            if (_partitions.TryRemove(partition, out var lanes))
            {
                lanes.Abandon();
                lanes.DrainAsync().GetAwaiter().GetResult();
                if (Volatile.Read(ref _consumer) is { } consumer)
                {
                    CommitAsync(consumer, lanes).GetAwaiter().GetResult();
                }

                lanes.Dispose();
            }
        }

        processor.Forget();
        foreach (var follower in followers)
        {
            follower.Revoked(partitions);
        }

        LogRevoked(partitions.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        if (_scheduler.MaximumConcurrencyLevel < int.MaxValue)
        {
            LogRequestsFirst(_scheduler.MaximumConcurrencyLevel);
        }

        await using var consumer = log.CreateConsumer(ConsumerGroup, this);
        Volatile.Write(ref _consumer, consumer);
        using var commitTimer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var commits = CommitLoopAsync(consumer, commitTimer, stoppingToken);
        try
        {
            var limit = options.Value.MaxInFlightPerPartition;
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await consumer.ConsumeAsync(stoppingToken);
                if (!_partitions.TryGetValue(batch.Partition, out var lanes))
                {
                    continue; // no longer ours: its next owner reads it from the committed position
                }

                await lanes.WaitForRoomAsync(limit, stoppingToken); // back-pressure: the lanes catch up first

                lanes.Add(batch.Entries);
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
            foreach (var lanes in _partitions.Values)
            {
                await lanes.DrainAsync(); // nothing may touch the store once the host closes it
            }

            await CommitAsync(consumer);
            Volatile.Write(ref _consumer, null);
        }
    }

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Dispatch runs behind the requests: on at most {Threads} pool thread(s) at once (Dispatch:RequestsFirst)")]
    private partial void LogRequestsFirst(int threads);

    private async Task CommitLoopAsync(ILogConsumer consumer, PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CommitAsync(consumer);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CommitAsync(ILogConsumer consumer)
    {
        foreach (var lanes in _partitions.Values)
        {
            await CommitAsync(consumer, lanes);
        }
    }

    private static async Task CommitAsync(ILogConsumer consumer, PartitionLanes lanes)
    {
        foreach (var stream in Streams)
        {
            if (lanes.TryTakeCommit(stream, out var next))
            {
                await consumer.CommitAsync(lanes.Partition, next, stream);
            }
        }
    }

    private async Task ProcessWithRetryAsync(LogEntry entry, DispatchUnit unit, CancellationToken cancellationToken)
    {
        // Taken, whatever it is: a record that then waits on its channel's retries holds up no intake.
        backlog?.Dispatched();
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
        var processedAtFirstFailure = -1L;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await processor.ProcessAsync(envelope, entry.Position.Partition, unit, cancellationToken);
                Interlocked.Increment(ref _processed);
                return;
            }
            // A lane in a batch leaves it on a failure and retries its records on its own.
            catch (Exception ex) when (ex is not OperationCanceledException && !unit.IsBatched)
            {
                // What was remembered of the attempt's writes may not be in the store.
                unit.Forget();
                processor.Forget();
                if (processedAtFirstFailure < 0)
                {
                    processedAtFirstFailure = Interlocked.Read(ref _processed);
                }

                // Put aside only a record that fails while others go through: when every record
                // fails, the store is down, and waiting for it keeps the conversation's order.
                if (attempt >= options.Value.MaxProcessingAttempts
                    && Interlocked.Read(ref _processed) > processedAtFirstFailure
                    && await TryQuarantineAsync(entry, attempt, ex, cancellationToken))
                {
                    return;
                }

                // Holding the conversation keeps its order while the store recovers.
                LogProcessingFailed(entry.Position.Partition, entry.Position.Offset, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private async ValueTask<bool> TryQuarantineAsync(LogEntry entry, int attempts, Exception failure, CancellationToken cancellationToken)
    {
        var record = new QuarantinedRecord(
            QuarantinedRecord.IdOf(entry.Position), entry.Position, entry.Key.ToArray(), entry.Value.ToArray(), attempts, failure.GetType().Name + ": " + failure.Message, time.GetUtcNow());
        try
        {
            await quarantine.PutAsync(record, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogQuarantineFailed(record.Id, ex);
            return false;
        }

        GatewayMetrics.RecordsQuarantined.Add(1);
        LogQuarantined(record.Id, entry.Position.Partition, entry.Position.Offset, attempts, failure);
        return true;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Skipping unreadable log record at partition {Partition} offset {Offset}")]
    private partial void LogUnreadableRecord(int partition, long offset, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Processing partition {Partition} offset {Offset} failed; retrying in {DelayMs} ms")]
    private partial void LogProcessingFailed(int partition, long offset, double delayMs, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Quarantined log record {RecordId} (partition {Partition} offset {Offset}) after {Attempts} failed attempts; its conversation goes on without it. List and replay it at /ops/quarantine")]
    private partial void LogQuarantined(string recordId, int partition, long offset, int attempts, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Could not quarantine log record {RecordId}; it is retried")]
    private partial void LogQuarantineFailed(string recordId, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Dispatching {Count} more partition(s)")]
    private partial void LogAssigned(int count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Handed over {Count} partition(s) after committing their finished records")]
    private partial void LogRevoked(int count);
}
