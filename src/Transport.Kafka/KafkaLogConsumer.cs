using Confluent.Kafka;
using MessagingGateway.Core.Log;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Transport.Kafka;

/// <summary>
/// A member of a Kafka consumer group. Offsets are committed only by the caller, after
/// processing; on a rebalance the caller is told before partitions move (see
/// <see cref="IPartitionAssignment"/>) so it can commit what it finished.
/// </summary>
internal sealed partial class KafkaLogConsumer : ILogConsumer
{
    private const int MaxBatch = 512;

    private readonly KafkaLogOptions _options;
    private readonly KafkaClientLog _clients;
    private readonly ILogger _logger;
    private readonly IConsumer<byte[], byte[]> _consumer;
    private ConsumeResult<byte[], byte[]>? _stashed;
    private int _revocations; // rebalances that took partitions away; only touched on the consuming thread
    private int _disposed;

    public KafkaLogConsumer(KafkaLogOptions options, string group, IPartitionAssignment? assignment, KafkaClientLog clients, ILogger logger)
    {
        _options = options;
        _clients = clients;
        _logger = logger;
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId,
            GroupId = group,
            // Range gives partition p of both topics to the same member: one owner per conversation.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = (int)options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)(options.SessionTimeout.TotalMilliseconds / 10),
        })
            .SetLogHandler((_, message) => _clients.OnLog(message))
            .SetErrorHandler((client, error) => _clients.OnError(client.Name, error))
            .SetPartitionsAssignedHandler((_, partitions) => assignment?.Assigned(Numbers(partitions)))
            .SetPartitionsRevokedHandler((_, partitions) => Revoked(assignment, partitions))
            .SetPartitionsLostHandler((_, partitions) => Revoked(assignment, partitions))
            .Build();
        _consumer.Subscribe([options.OutboundTopic, options.InboundTopic]);
    }

    public bool IsCaughtUp
    {
        get
        {
            foreach (var partition in _consumer.Assignment)
            {
                var high = _consumer.GetWatermarkOffsets(partition).High;
                if (high == Offset.Unset)
                {
                    high = _consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(1)).High;
                }

                if (high <= 0)
                {
                    continue;
                }

                // Before the first fetch from a partition the client has no position; where it
                // will start is the group's committed offset (nothing committed: the beginning).
                var position = _consumer.Position(partition);
                if (position == Offset.Unset)
                {
                    position = _consumer.Committed([partition], TimeSpan.FromSeconds(1))[0].Offset;
                }

                if (position == Offset.Unset || position < high)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public async ValueTask<LogBatch> ConsumeAsync(CancellationToken cancellationToken)
    {
        // The client blocks; run it off the caller's thread. Rebalance callbacks run in here too.
        return await Task.Run(() => ConsumeBatch(cancellationToken), cancellationToken);
    }

    public ValueTask CommitAsync(int partition, long nextOffset, LogStream stream = LogStream.Outbound, CancellationToken cancellationToken = default)
    {
        try
        {
            var topic = stream == LogStream.Outbound ? _options.OutboundTopic : _options.InboundTopic;
            _consumer.Commit([new TopicPartitionOffset(topic, partition, nextOffset)]);
        }
        catch (KafkaException ex)
        {
            // Not ours any more, or the group is rebalancing: the records will be replayed, and processing dedupes.
            LogCommitFailed(partition, nextOffset, ex.Error.Reason);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                _consumer.Close(); // leaves the group now instead of after the session timeout
            }
            catch (KafkaException ex)
            {
                _clients.OnError(_consumer.Name, ex.Error);
            }

            _consumer.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private LogBatch ConsumeBatch(CancellationToken cancellationToken)
    {
        while (true)
        {
            var first = Interlocked.Exchange(ref _stashed, null);
            while (first is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                first = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }

            // A rebalance runs inside Consume. What the client returns after it belongs to the new
            // assignment; what this batch read before it is no longer ours (or is ours again from
            // the committed position, where the client reads it again), so the batch is dropped.
            var revocations = _revocations;
            var partition = first.Partition.Value;
            var entries = new List<LogEntry> { ToEntry(first) };
            var interrupted = false;
            while (entries.Count < MaxBatch)
            {
                var next = _consumer.Consume(TimeSpan.Zero);
                if (_revocations != revocations)
                {
                    _stashed = next;
                    interrupted = true;
                    break;
                }

                if (next is null)
                {
                    break;
                }

                if (next.Partition.Value != partition || next.Topic != first.Topic)
                {
                    _stashed = next; // starts the next batch
                    break;
                }

                entries.Add(ToEntry(next));
            }

            if (!interrupted)
            {
                return new LogBatch(partition, entries);
            }
        }
    }

    /// <summary>Runs inside Consume (or Close) on the consuming thread, before the partitions move.</summary>
    private void Revoked(IPartitionAssignment? assignment, List<TopicPartitionOffset> partitions)
    {
        _revocations++;
        assignment?.Revoked(Numbers(partitions.ConvertAll(p => p.TopicPartition)));
    }

    private LogEntry ToEntry(ConsumeResult<byte[], byte[]> result)
    {
        var stream = result.Topic == _options.OutboundTopic ? LogStream.Outbound : LogStream.Inbound;
        return new(new LogPosition(result.Partition.Value, result.Offset.Value, stream), result.Message.Timestamp.UtcDateTime, result.Message.Key, result.Message.Value);
    }

    /// <summary>Partition numbers: partition p of both topics holds the same conversations and goes to one owner.</summary>
    private static int[] Numbers(List<TopicPartition> partitions) => partitions.ConvertAll(p => p.Partition.Value).Distinct().ToArray();

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Commit of partition {Partition} at {Offset} not taken ({Reason}); those records will be replayed")]
    private partial void LogCommitFailed(int partition, long offset, string reason);
}
