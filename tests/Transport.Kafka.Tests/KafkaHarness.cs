using System.Text;
using MessagingGateway.Core.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>
/// A librdkafka mock cluster of its own with the log's three topics created up front (so nothing
/// is auto-created with the mock's default of 4 partitions), and a <see cref="KafkaLog"/> on it.
/// </summary>
internal sealed class KafkaHarness : IAsyncDisposable
{
    private static int _next;

    private KafkaHarness(KafkaMockCluster cluster, KafkaLogOptions options, ILoggerFactory loggers, KafkaClientLog? clients)
    {
        Cluster = cluster;
        Options = options;
        Log = clients is null ? new KafkaLog(options, loggers) : new KafkaLog(options, loggers, clients);
    }

    public KafkaMockCluster Cluster { get; }

    public KafkaLogOptions Options { get; }

    public KafkaLog Log { get; }

    public int Partitions => Options.Partitions;

    public static KafkaHarness Start(int brokers = 1, int partitions = 4, short replicationFactor = 1, TimeSpan? deliveryTimeout = null, ILoggerFactory? loggers = null, KafkaClientLog? clients = null, TimeSpan? sessionTimeout = null)
    {
        var cluster = KafkaMockCluster.Start(brokers);
        try
        {
            var options = OptionsFor(cluster, partitions, replicationFactor, deliveryTimeout);
            if (sessionTimeout is { } session)
            {
                options = options with { SessionTimeout = session };
            }

            foreach (var topic in (string[])[options.OutboundTopic, options.InboundTopic, options.EventsTopic])
            {
                cluster.CreateTopic(topic, partitions, replicationFactor);
            }

            return new KafkaHarness(cluster, options, loggers ?? NullLoggerFactory.Instance, clients);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Options with topic names no other test uses.</summary>
    public static KafkaLogOptions OptionsFor(KafkaMockCluster cluster, int partitions, short replicationFactor = 1, TimeSpan? deliveryTimeout = null)
    {
        var prefix = "t" + Interlocked.Increment(ref _next);
        return new KafkaLogOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            OutboundTopic = prefix + ".outbound",
            InboundTopic = prefix + ".inbound",
            EventsTopic = prefix + ".events",
            Partitions = partitions,
            ReplicationFactor = replicationFactor,
            DeliveryTimeout = deliveryTimeout ?? TimeSpan.FromSeconds(10),
            ClientId = "tests-" + prefix,
        };
    }

    public static LogRecord Record(string key, string value, LogStream stream = LogStream.Outbound) =>
        new(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), stream);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    public int PartitionOf(string key) => KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(key), Partitions);

    /// <summary>A key that lands on <paramref name="partition"/> of this log (searched deterministically).</summary>
    public string KeyFor(int partition, string prefix = "conv-") => KeyFor(partition, Partitions, prefix);

    public static string KeyFor(int partition, int partitionCount, string prefix = "conv-")
    {
        for (var i = 0; i < 10_000; i++)
        {
            var key = prefix + i;
            if (KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(key), partitionCount) == partition)
            {
                return key;
            }
        }

        throw new InvalidOperationException("No key found for partition " + partition);
    }

    public ValueTask<LogPosition> AppendAsync(string key, string value, LogStream stream = LogStream.Outbound) =>
        Log.AppendAsync(Record(key, value, stream));

    /// <summary>
    /// Reads until <paramref name="count"/> records have come, then checks nothing more is waiting.
    /// A consumer only knows its partitions once it has joined the group, so "caught up" means
    /// nothing before that: the count is what ends the read.
    /// </summary>
    public static async Task<List<LogEntry>> ReadAsync(ILogConsumer consumer, int count, TimeSpan? timeout = null)
    {
        var entries = await ReadUntilAsync(consumer, read => read.Count >= count, $"{count} records", timeout);
        Assert.True(consumer.IsCaughtUp, $"more than the {count} expected records are waiting");
        return entries;
    }

    /// <summary>Reads batches until <paramref name="enough"/> holds for everything read so far.</summary>
    public static async Task<List<LogEntry>> ReadUntilAsync(ILogConsumer consumer, Func<List<LogEntry>, bool> enough, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var entries = new List<LogEntry>();
        try
        {
            while (!enough(entries))
            {
                var batch = await consumer.ConsumeAsync(deadline.Token);
                Assert.NotEmpty(batch.Entries);
                Assert.All(batch.Entries, e => Assert.Equal(batch.Partition, e.Position.Partition));
                Assert.All(batch.Entries, e => Assert.Equal(batch.Entries[0].Position.Stream, e.Position.Stream));
                entries.AddRange(batch.Entries);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"Read {entries.Count} records but not {what} before the timeout.");
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        Cluster.Dispose();
    }
}
