using MessagingGateway.Core.Log;
using Xunit.Abstractions;
using static MessagingGateway.Transport.Kafka.Tests.KafkaHarness;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>Partitions moving between members of a consumer group while records keep coming.</summary>
public sealed class KafkaConsumerGroupTests(ITestOutputHelper output)
{
    private const int Partitions = 6;
    private const int Keys = 24;
    private const string GroupId = "dispatch";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task A_member_joining_and_leaving_takes_over_at_the_committed_positions()
    {
        using var loggers = new TestOutputLogger(output); // the consumers' refused commits, should the test fail
        await using var h = Start(partitions: Partitions, loggers: loggers);
        var group = new Group();
        var appender = new Appender(h.Log, Keys);
        for (var i = 0; i < 10; i++)
        {
            await appender.AppendRoundAsync();
        }

        using var stopAppending = new CancellationTokenSource();
        var appending = Task.CompletedTask;
        var a = new Worker("A", h.Log, group);
        Worker? b = null;
        try
        {
            await WaitUntilAsync(() => a.Owned == Partitions && group.Has(appender.Ids()), Patience, "A owns every partition and has processed the backlog");

            // Appends go on through both rebalances.
            appending = appender.RunAsync(stopAppending.Token);

            a.HandOverBegins();
            b = new Worker("B", h.Log, group);
            await WaitUntilAsync(() => b.Owned > 0 && a.Owned + b.Owned == Partitions && b.Processed >= 30, Patience, "B has taken partitions from A and processes them");
            var (aBefore, bBefore) = (a.Processed, b.Processed);
            await WaitUntilAsync(() => a.Processed > aBefore + 30 && b.Processed > bBefore + 30, Patience, "A and B process side by side");

            a.HandOverBegins();
            await b.DisposeAsync(); // graceful: B commits in Revoked and leaves the group
            await WaitUntilAsync(() => a.Owned == Partitions, Patience, "A has taken every partition back");
            var atTakeBack = appender.Count;
            await WaitUntilAsync(() => appender.Count >= atTakeBack + (3 * Keys), Patience, "a few more rounds are appended");

            await stopAppending.CancelAsync();
            await appending;
            await WaitUntilAsync(() => group.Has(appender.Ids()), Patience, "A has processed every appended record");

            // The final commit: everything A finished.
            await a.StopAsync();
            a.CommitAll();
        }
        finally
        {
            await stopAppending.CancelAsync();
            await appending;
            if (b is not null)
            {
                await b.DisposeAsync();
            }

            await a.DisposeAsync();
            output.WriteLine($"appended {appender.Count}, A processed {a.Processed}, B processed {b?.Processed}, " +
                $"duplicates {group.Duplicates}, uncommitted at hand-over {group.UncommittedAtHandOver}");
            foreach (var line in group.Events)
            {
                output.WriteLine(line);
            }
        }

        // Batches only ever came for owned partitions, each starting where its stream was left.
        Assert.Empty(group.Violations);
        Assert.True(a.Assignments >= 3, $"A was assigned {a.Assignments} times"); // alone, with B, alone again
        Assert.NotNull(b);
        Assert.True(b.Assignments >= 1 && b.Processed > 0, $"B was assigned {b.Assignments} times and processed {b.Processed}");

        // Every record was processed, nothing else was.
        var appended = appender.Ids();
        Assert.Equal(appended.Order(), group.ProcessedIds().Order());

        // Each conversation's records were first processed in their append order, whoever had them.
        foreach (var stream in group.FirstOrder.GroupBy(id => id[..id.LastIndexOf('/')]))
        {
            var rounds = stream.Select(id => int.Parse(id[(id.LastIndexOf('/') + 1)..])).ToList();
            Assert.Equal(rounds.Order(), rounds);
        }

        // At-least-once: a record is processed again only if its commit had not been taken when
        // its partition moved. The members commit in Revoked, but the mock's coordinator refuses
        // commits from the moment a rebalance starts (a real broker takes them until the members
        // rejoin), so what a member processed between then and its Revoked may be read again.
        Assert.True(group.Duplicates <= group.UncommittedAtHandOver, $"{group.Duplicates} duplicates, {group.UncommittedAtHandOver} uncommitted at hand-over");

        // After the final commit a new member of the group reads only what comes next.
        for (var p = 0; p < Partitions; p++)
        {
            await h.AppendAsync(h.KeyFor(p, "marker-"), "marker");
            await h.AppendAsync(h.KeyFor(p, "marker-"), "marker", LogStream.Inbound);
        }

        await using var fresh = h.Log.CreateConsumer(GroupId);
        var entries = await ReadAsync(fresh, 2 * Partitions, Patience);
        Assert.All(entries, e => Assert.Equal("marker", Text(e.Value)));
    }

    /// <summary>What the members of the group did, under one lock.</summary>
    private sealed class Group
    {
        private readonly Dictionary<string, int> _times = [];

        public Lock Gate { get; } = new();

        /// <summary>Our view of the group's committed offsets (a commit the broker refuses shows up as re-reads).</summary>
        public Dictionary<(LogStream Stream, int Partition), long> Committed { get; } = [];

        public List<string> Violations { get; } = [];

        public List<string> Events { get; } = [];

        public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

        public void Event(string what) => Events.Add($"{Clock.Elapsed.TotalSeconds,7:0.000} {what}");

        public List<string> FirstOrder { get; } = [];

        public int Duplicates { get; private set; }

        /// <summary>Records processed but possibly not committed when partitions moved: the most that may be processed again.</summary>
        public long UncommittedAtHandOver { get; set; }

        public void Record(string id)
        {
            if (_times.TryGetValue(id, out var times))
            {
                _times[id] = times + 1;
                Duplicates++;
            }
            else
            {
                _times[id] = 1;
                FirstOrder.Add(id);
            }
        }

        public bool Has(IEnumerable<string> ids)
        {
            lock (Gate)
            {
                return ids.All(_times.ContainsKey);
            }
        }

        public List<string> ProcessedIds()
        {
            lock (Gate)
            {
                return [.. _times.Keys];
            }
        }
    }

    /// <summary>
    /// Appends rounds of one record per key, one AppendMany per round, rounds one after another,
    /// so a key's records are in round order; a third of them go to the inbound stream.
    /// </summary>
    private sealed class Appender(IMessageLog log, int keys)
    {
        private readonly Lock _gate = new();
        private readonly List<string> _ids = [];
        private int _round;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _ids.Count;
                }
            }
        }

        public string[] Ids()
        {
            lock (_gate)
            {
                return [.. _ids];
            }
        }

        public async Task AppendRoundAsync()
        {
            var round = _round++;
            var records = new LogRecord[keys];
            var ids = new string[keys];
            for (var k = 0; k < keys; k++)
            {
                var stream = (k + round) % 3 == 0 ? LogStream.Inbound : LogStream.Outbound;
                ids[k] = $"conv-{k}/{stream}/{round}";
                records[k] = Record("conv-" + k, ids[k], stream);
            }

            await log.AppendManyAsync(records, new LogPosition[keys]);
            lock (_gate)
            {
                _ids.AddRange(ids);
            }
        }

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                await AppendRoundAsync();
                try
                {
                    await Task.Delay(50, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// A member that processes batches in a loop, commits every few batches, and in Revoked
    /// commits what it finished before the partitions move (as the dispatcher does).
    /// </summary>
    private sealed class Worker : IPartitionAssignment, IAsyncDisposable
    {
        private readonly string _name;
        private readonly Group _group;
        private readonly ILogConsumer _consumer;
        private readonly CancellationTokenSource _stop = new();
        private readonly HashSet<int> _owned = [];
        private readonly Dictionary<(LogStream Stream, int Partition), long> _done = [];
        private readonly Task _loop;
        private int _batches;
        private int _processed;
        private int _assignments;
        private int _sinceCommit;
        private bool _handingOver;
        private bool _disposed;

        public Worker(string name, IMessageLog log, Group group)
        {
            _name = name;
            _group = group;
            _consumer = log.CreateConsumer(GroupId, this);
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }

        public int Owned => Locked(() => _owned.Count);

        public int Processed => Locked(() => _processed);

        public int Assignments => Locked(() => _assignments);

        public void Assigned(IReadOnlyList<int> partitions)
        {
            lock (_group.Gate)
            {
                _owned.UnionWith(partitions);
                _assignments++;
                _group.Event($"{_name} assigned [{string.Join(',', partitions)}]");
            }
        }

        public void Revoked(IReadOnlyList<int> partitions)
        {
            lock (_group.Gate)
            {
                long uncommitted = 0;
                foreach (var partition in partitions)
                {
                    foreach (var stream in (LogStream[])[LogStream.Outbound, LogStream.Inbound])
                    {
                        if (_done.Remove((stream, partition), out var next))
                        {
                            uncommitted += next - _group.Committed.GetValueOrDefault((stream, partition));
                            Commit(stream, partition, next);
                        }
                    }
                }

                if (!_handingOver)
                {
                    _group.UncommittedAtHandOver += _sinceCommit; // a rebalance the test did not start
                }

                _handingOver = false;
                _sinceCommit = 0;
                _owned.ExceptWith(partitions);
                _group.Event($"{_name} revoked [{string.Join(',', partitions)}], committed {uncommitted} more");
            }
        }

        /// <summary>
        /// A member is about to join or leave: from now until this member's Revoked, its commits may
        /// be refused, so what it has not committed and what it processes meanwhile may come again.
        /// </summary>
        public void HandOverBegins()
        {
            lock (_group.Gate)
            {
                _group.UncommittedAtHandOver += _sinceCommit;
                _handingOver = true;
            }
        }

        /// <summary>Commits everything processed (the loop must be stopped or between batches).</summary>
        public void CommitAll()
        {
            lock (_group.Gate)
            {
                foreach (var ((stream, partition), next) in _done)
                {
                    if (_group.Committed.GetValueOrDefault((stream, partition)) != next)
                    {
                        Commit(stream, partition, next);
                    }
                }

                _sinceCommit = 0;
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                await StopAsync();
            }
            finally
            {
                await _consumer.DisposeAsync(); // Close(): Revoked, then leave the group
                _stop.Dispose();
            }
        }

        private async Task RunAsync(CancellationToken stop)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    Process(await _consumer.ConsumeAsync(stop));

                    // Processing takes a moment: a rebalance then tends to land while the
                    // consumer is between two polls, in the middle of reading a batch.
                    await Task.Delay(3, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        private void Process(LogBatch batch)
        {
            lock (_group.Gate)
            {
                var partition = batch.Partition;
                var stream = batch.Entries[0].Position.Stream;
                var first = batch.Entries[0].Position.Offset;
                var range = $"{stream} {partition} @{first}..{batch.NextOffset - 1}";
                if (!_owned.Contains(partition))
                {
                    _group.Violations.Add($"{_name} was handed {range}, a partition it does not own");
                    return;
                }

                var expected = _done.TryGetValue((stream, partition), out var done) ? done : _group.Committed.GetValueOrDefault((stream, partition));
                if (first > expected)
                {
                    _group.Violations.Add($"{_name} was handed {range}, skipping from {expected}");
                }
                else if (first < expected)
                {
                    _group.Event($"{_name} re-reads {range}, expected from {expected}");
                }

                foreach (var entry in batch.Entries)
                {
                    _group.Record(Text(entry.Value));
                    _processed++;
                    _sinceCommit++;
                }

                if (_handingOver)
                {
                    _group.UncommittedAtHandOver += batch.Entries.Count;
                }

                _done[(stream, partition)] = batch.NextOffset;
                if (++_batches % 4 == 0)
                {
                    CommitAll();
                }
            }
        }

        private void Commit(LogStream stream, int partition, long next)
        {
            _consumer.CommitAsync(partition, next, stream).AsTask().GetAwaiter().GetResult();
            _group.Committed[(stream, partition)] = next;
        }

        private T Locked<T>(Func<T> read)
        {
            if (_loop.IsFaulted)
            {
                _loop.GetAwaiter().GetResult(); // surfaces the loop's failure instead of a timeout
            }

            lock (_group.Gate)
            {
                return read();
            }
        }
    }
}
