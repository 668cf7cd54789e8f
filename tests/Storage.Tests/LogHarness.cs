using System.Text;
using MessagingGateway.Core.Log;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

/// <summary>
/// A real database and log in a temp directory that can be closed and reopened in place, the way
/// a gateway restart would.
/// </summary>
internal sealed class LogHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    private LogHarness(EmbeddedLogOptions options)
    {
        Options = options;
        Database = EmbeddedDatabase.Open(_directory.Path);
        Log = new EmbeddedLog(Database, options);
    }

    public EmbeddedLogOptions Options { get; private set; }

    public EmbeddedDatabase Database { get; private set; }

    public EmbeddedLog Log { get; private set; }

    public string Path => _directory.Path;

    /// <summary>Retention never fires on its own in tests: they call Trim when they mean to.</summary>
    public static LogHarness Create(int partitionCount = 4, int maxConsumeBatch = 512) =>
        new(new EmbeddedLogOptions
        {
            PartitionCount = partitionCount,
            MaxConsumeBatch = maxConsumeBatch,
            RetentionInterval = TimeSpan.FromHours(1),
        });

    public async Task CloseAsync()
    {
        await Log.DisposeAsync();
        Database.Dispose();
    }

    public async Task ReopenAsync(EmbeddedLogOptions? options = null)
    {
        await CloseAsync();
        Options = options ?? Options;
        Database = EmbeddedDatabase.Open(_directory.Path);
        Log = new EmbeddedLog(Database, Options);
    }

    public ValueTask<LogPosition> AppendAsync(string key, string value) =>
        Log.AppendAsync(Record(key, value));

    public static LogRecord Record(string key, string value) =>
        new(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));

    public int PartitionOf(string key) => KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(key), Log.PartitionCount);

    /// <summary>A key that lands on <paramref name="partition"/> (searched deterministically).</summary>
    public string KeyFor(int partition, string prefix = "conv-")
    {
        for (var i = 0; i < 10_000; i++)
        {
            var key = prefix + i;
            if (PartitionOf(key) == partition)
            {
                return key;
            }
        }

        throw new InvalidOperationException("No key found for partition " + partition);
    }

    /// <summary>Reads until the consumer is caught up; a timeout guards against a hang.</summary>
    public static async Task<List<LogEntry>> DrainAsync(ILogConsumer consumer, int maxBatches = 10_000)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var entries = new List<LogEntry>();
        for (var i = 0; i < maxBatches && !consumer.IsCaughtUp; i++)
        {
            var batch = await consumer.ConsumeAsync(timeout.Token);
            entries.AddRange(batch.Entries);
        }

        Assert.True(consumer.IsCaughtUp, "consumer did not catch up");
        return entries;
    }

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _directory.Dispose();
    }
}
