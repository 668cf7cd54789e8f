using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Webhooks;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Transport.Kafka;

/// <summary>
/// The log on Kafka. Records are keyed by conversation id and placed with Kafka's murmur2
/// partitioner, the same map as the embedded log. The producer is idempotent with acks=all and
/// batches on its own; an append completes from the delivery reports, never from an awaited
/// produce per message, and fails (→ 503) when the cluster cannot confirm it in time. After a
/// fatal error of any of its clients it refuses every append (see <see cref="Fault"/>).
/// </summary>
public sealed class KafkaLog : IMessageLog, IEventTopic, ILogHealth
{
    /// <summary>The <see cref="Fault"/> after a client's fatal error.</summary>
    public const string FatalFault = "kafka-fatal";

    private readonly KafkaLogOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly KafkaClientLog _clients;
    private readonly IProducer<byte[], byte[]> _producer;
    private int _disposed;

    public KafkaLog(KafkaLogOptions options, ILoggerFactory loggers)
        : this(options, loggers, new KafkaClientLog(loggers.CreateLogger<KafkaClientLog>()))
    {
    }

    /// <summary>A log whose clients report to <paramref name="clients"/> (shared with its consumers).</summary>
    public KafkaLog(KafkaLogOptions options, ILoggerFactory loggers, KafkaClientLog clients)
    {
        _options = options;
        _loggers = loggers;
        _clients = clients;
        EnsureTopics();
        _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 2,
            Partitioner = Partitioner.Murmur2Random,
            MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds,
        })
            .SetLogHandler((_, message) => _clients.OnLog(message))
            .SetErrorHandler((client, error) => _clients.OnError(client.Name, error))
            .Build();
    }

    public int PartitionCount => _options.Partitions;

    /// <summary><see cref="FatalFault"/> once a client reported a fatal error: a fatal producer takes no more records, and the node needs a restart.</summary>
    public string? Fault => _clients.FatalError is null ? null : FatalFault;

    public async ValueTask<LogPosition> AppendAsync(LogRecord record, CancellationToken cancellationToken = default)
    {
        var positions = new LogPosition[1];
        await AppendManyAsync(new[] { record }, positions, cancellationToken);
        return positions[0];
    }

    public ValueTask AppendManyAsync(ReadOnlyMemory<LogRecord> records, Memory<LogPosition> positions, CancellationToken cancellationToken = default)
    {
        if (positions.Length < records.Length)
        {
            throw new ArgumentException("One position slot is needed per record.", nameof(positions));
        }

        if (records.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        if (Refusal() is { } refusal)
        {
            return ValueTask.FromException(refusal);
        }

        var append = new PendingAppend(records.Length, positions);
        var span = records.Span;
        for (var i = 0; i < span.Length; i++)
        {
            var index = i;
            var stream = span[i].Stream;
            try
            {
                _producer.Produce(TopicOf(span[i].Stream), new Message<byte[], byte[]> { Key = ToArray(span[i].Key), Value = ToArray(span[i].Value) }, report => append.Report(index, report, stream));
            }
            catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
            {
                // Not queued (local queue full, producer closing): these never reach the cluster.
                append.NotProduced(span.Length - i, ex);
                break;
            }
        }

        // Cancellation stops the wait, not the produce: once queued a record is delivered or fails.
        return new ValueTask(append.Completion.WaitAsync(cancellationToken));
    }

    public ValueTask PublishAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        if (Refusal() is { } refusal)
        {
            return ValueTask.FromException(refusal);
        }

        var append = new PendingAppend(1, new LogPosition[1]);
        try
        {
            _producer.Produce(
                _options.EventsTopic,
                new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(webhookEvent.ConversationId),
                    Value = webhookEvent.Body,
                    Headers = new Headers { { "type", Encoding.UTF8.GetBytes(webhookEvent.Type) }, { "tenant", Encoding.UTF8.GetBytes(webhookEvent.TenantId) } },
                },
                report => append.Report(0, report, LogStream.Outbound));
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
        {
            append.NotProduced(1, ex);
        }

        return new ValueTask(append.Completion.WaitAsync(cancellationToken));
    }

    public ILogConsumer CreateConsumer(string group, IPartitionAssignment? assignment = null) =>
        new KafkaLogConsumer(_options, group, assignment, _clients, _loggers.CreateLogger<KafkaLogConsumer>());

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Graceful: whatever is queued gets its delivery report before we let go.
            _producer.Flush(_options.DeliveryTimeout);
            _producer.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Why no record may be produced now, if so.</summary>
    private LogUnavailableException? Refusal()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return new LogUnavailableException("The log is shutting down.");
        }

        // librdkafka fails a fatal producer's records too, but only after the call; refusing here
        // also covers a consumer's fatal error, which leaves this node unready.
        return _clients.FatalError is { } fatal
            ? new LogUnavailableException($"Kafka reported a fatal error ({fatal.Reason}); this node takes no writes until it restarts.", new KafkaException(fatal))
            : null;
    }

    private static byte[] ToArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    private string TopicOf(LogStream stream) => stream == LogStream.Outbound ? _options.OutboundTopic : _options.InboundTopic;

    /// <summary>Creates the topics if missing; refuses ones whose partition count differs.</summary>
    private void EnsureTopics()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers, ClientId = _options.ClientId })
            .SetLogHandler((_, message) => _clients.OnLog(message))
            .SetErrorHandler((client, error) => _clients.OnError(client.Name, error))
            .Build();
        Metadata metadata;
        try
        {
            // All topics: asking for the one topic would let a broker auto-create it with its defaults.
            metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        }
        catch (KafkaException ex)
        {
            throw new InvalidOperationException($"Cannot reach Kafka at {_options.BootstrapServers}: {ex.Error.Reason}", ex);
        }

        var missing = new List<TopicSpecification>();
        foreach (var name in (string[])[_options.OutboundTopic, _options.InboundTopic, _options.EventsTopic])
        {
            var topic = metadata.Topics.Find(t => t.Topic == name);
            if (topic is null || topic.Error.Code != ErrorCode.NoError)
            {
                missing.Add(new TopicSpecification { Name = name, NumPartitions = _options.Partitions, ReplicationFactor = _options.ReplicationFactor });
            }
            else if (topic.Partitions.Count != _options.Partitions)
            {
                throw new InvalidOperationException(
                    $"Topic {name} has {topic.Partitions.Count} partitions, the gateway is configured for {_options.Partitions}: " +
                    "the partition count decides where each conversation lives, so they must match.");
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        try
        {
            admin.CreateTopicsAsync(missing).GetAwaiter().GetResult();
        }
        catch (CreateTopicsException ex) when (ex.Results.TrueForAll(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            // Another node created it first.
        }
    }

    /// <summary>One append: completes when every record has a delivery report.</summary>
    private sealed class PendingAppend(int count, Memory<LogPosition> positions)
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;
        private Exception? _failure;

        public Task Completion => _completion.Task;

        public void Report(int index, DeliveryReport<byte[], byte[]> report, LogStream stream)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref _failure, new LogUnavailableException($"Kafka did not confirm the record: {report.Error.Reason}", new KafkaException(report.Error)), null);
            }
            else
            {
                positions.Span[index] = new LogPosition(report.Partition.Value, report.Offset.Value, stream);
            }

            Done(1);
        }

        public void NotProduced(int count, Exception reason)
        {
            Interlocked.CompareExchange(ref _failure, new LogUnavailableException("Kafka cannot take the record now: " + reason.Message, reason), null);
            Done(count);
        }

        private void Done(int count)
        {
            if (Interlocked.Add(ref _remaining, -count) == 0)
            {
                if (Volatile.Read(ref _failure) is { } failure)
                {
                    _completion.TrySetException(failure);
                }
                else
                {
                    _completion.TrySetResult();
                }
            }
        }
    }
}
