using System.Diagnostics.CodeAnalysis;
using System.Text;
using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards the embedded log's group commit: <see cref="RecordCount"/> appends per invocation from
/// <see cref="Concurrency"/> callers that each await their own append before the next, as request
/// handlers do. With one caller every record pays a full fsync; with many, appends that arrive
/// during a write share the next one, and the per-record time should fall by an order of magnitude.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the log and database.")]
public class GroupCommitBenchmarks
{
    private const int RecordCount = 4096;
    private const int Conversations = 256;

    private string _directory = string.Empty;
    private EmbeddedDatabase? _database;
    private EmbeddedLog? _log;
    private LogRecord[] _records = [];

    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // The fsync is what is measured, so the folder must be on a real disk (see BenchDirectory).
        _directory = BenchDirectory.Create("mg-bench-");
        _database = EmbeddedDatabase.Open(_directory);
        _log = new EmbeddedLog(_database, new EmbeddedLogOptions { RetentionInterval = TimeSpan.FromHours(1) });

        var value = LogEnvelopeCodec.EncodeValue(TypicalTraffic.Envelope());
        byte[][] keys = [.. Enumerable.Range(0, Conversations).Select(c => Encoding.UTF8.GetBytes(TypicalTraffic.ConversationId(c)))];
        _records = [.. Enumerable.Range(0, RecordCount).Select(i => new LogRecord(keys[i % Conversations], value))];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        _database?.Dispose();
        BenchDirectory.Delete(_directory);
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public Task AppendConcurrently()
    {
        var perCaller = RecordCount / Concurrency;
        var callers = new Task[Concurrency];
        for (var c = 0; c < Concurrency; c++)
        {
            callers[c] = AppendRangeAsync(c * perCaller, perCaller);
        }

        return Task.WhenAll(callers);
    }

    private async Task AppendRangeAsync(int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            await _log!.AppendAsync(_records[i]);
        }
    }
}
