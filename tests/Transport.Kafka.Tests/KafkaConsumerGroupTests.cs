using Confluent.Kafka;
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

    /// <summary>
    /// The mock's coordinator waits about this long (less a second) for the members to rejoin on
    /// every rebalance, so it sets the pace of the test; 6 s is also the least a real broker takes.
    /// </summary>
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(6);

    /// <summary>Per step: a few rebalances on a loaded machine (the mock sometimes needs more than one, see the test).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_member_joining_and_leaving_takes_over_at_the_committed_positions()
    {
        using var loggers = new TestOutputLogger(output); // the consumers' refused commits, should the test fail
        await using var h = Start(partitions: Partitions, loggers: loggers, sessionTimeout: SessionTimeout);
        h.Cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero); // A starts alone: no one to wait for
        using var group = new Group(h.Options);
        var appender = new Appender(h.Log, Keys);
        for (var i = 0; i < 10; i++)
        {
            await appender.AppendRoundAsync();
        }

        async Task UntilAsync(Func<bool> condition, string what)
        {
            await Eventually.HoldsAsync(condition, Patience, what);
            group.Event("now " + what);
        }

        using var stopAppending = new CancellationTokenSource();
        var appending = Task.CompletedTask;
        var a = new Worker("A", h.Log, group);
        Worker? b = null;
        var leaverKeys = 0;
        try
        {
            await UntilAsync(() => a.Owned == Partitions && group.Has(appender.Ids()), "A owns every partition and has processed the backlog");

            // Appends go on through both hand-overs.
            appending = appender.RunAsync(stopAppending.Token);

            // Under load the mock often takes more than one rebalance for this: it completes the
            // sync with the leader's SyncGroup, so a follower whose SyncGroup comes later is refused
            // (invalid request) and joins again, which starts another rebalance. Commits are refused
            // from the start of each, so A reads again, from the committed offsets, what it did meanwhile.
            b = new Worker("B", h.Log, group);
            await UntilAsync(() => b.Owned > 0 && a.Owned + b.Owned == Partitions && b.Processed >= 30, "B has taken partitions from A and processes them");
            var (aBefore, bBefore) = (a.Processed, b.Processed);
            await UntilAsync(() => a.Processed > aBefore + 30 && b.Processed > bBefore + 30, "A and B process side by side");

            leaverKeys = 2 * b.Owned;
            await b.DisposeAsync(); // graceful: B commits in Revoked while the group is stable, then leaves it
            await UntilAsync(() => a.Owned == Partitions, "A has taken every partition back");
            var atTakeBack = appender.Count;
            await UntilAsync(() => appender.Count >= atTakeBack + (3 * Keys), "a few more rounds are appended");

            await stopAppending.CancelAsync();
            await appending;
            await UntilAsync(() => group.Has(appender.Ids()), "A has processed every appended record");

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
                $"duplicates {group.Duplicates}, taken over exactly where B left {group.TakenOverAsLeft}");
            foreach (var line in group.Events)
            {
                output.WriteLine(line);
            }
        }

        // Batches only ever came for owned partitions, each starting where its stream was left:
        // where this member left off, or, for a stream it was just given, at the group's committed
        // offset. At-least-once therefore: a record is processed again only if its commit had not
        // been taken when its partition moved (the mock's coordinator refuses commits from the
        // moment a rebalance starts, where a real broker takes them until the members rejoin).
        Assert.Empty(group.Violations);
        Assert.True(a.Assignments >= 3, $"A was assigned {a.Assignments} times"); // alone, with B, alone again
        Assert.NotNull(b);
        Assert.True(b.Assignments >= 1 && b.Processed > 0, $"B was assigned {b.Assignments} times and processed {b.Processed}");

        // B left gracefully: what it committed in Revoked was taken, and A went on from exactly there.
        Assert.Equal(leaverKeys, group.TakenOverAsLeft);

        // Every record was processed, nothing else was.
        var appended = appender.Ids();
        Assert.Equal(appended.Order(), group.ProcessedIds().Order());

        // Each conversation's records were first processed in their append order, whoever had them.
        foreach (var stream in group.FirstOrder.GroupBy(id => id[..id.LastIndexOf('/')]))
        {
            var rounds = stream.Select(id => int.Parse(id[(id.LastIndexOf('/') + 1)..])).ToList();
            Assert.Equal(rounds.Order(), rounds);
        }

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

    /// <summary>What the members of the group did, under one lock; and the group's committed offsets, read from the cluster.</summary>
    private sealed class Group : IDisposable
    {
        private readonly Dictionary<string, int> _times = [];
        private readonly KafkaLogOptions _options;
        private readonly IConsumer<Ignore, Ignore> _offsets; // reads the group's commits, never joins it

        public Group(KafkaLogOptions options)
        {
            _options = options;
            _offsets = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = options.BootstrapServers,
                GroupId = GroupId,
                EnableAutoCommit = false,
            }).Build();
        }

        public Lock Gate { get; } = new();

        public List<string> Violations { get; } = [];

        public List<string> Events { get; } = [];

        public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

        public List<string> FirstOrder { get; } = [];

        public int Duplicates { get; private set; }

        /// <summary>The furthest any member has processed each stream of each partition (the next offset).</summary>
        public Dictionary<(LogStream Stream, int Partition), long> Furthest { get; } = [];

        /// <summary>Where a member that left the group gracefully finished each stream it owned, until the next owner starts there.</summary>
        public Dictionary<(LogStream Stream, int Partition), (string Member, long Next)> LeftAt { get; } = [];

        /// <summary>Streams whose next owner started exactly where a gracefully leaving member finished.</summary>
        public int TakenOverAsLeft { get; set; }

        public void Event(string what)
        {
            lock (Gate)
            {
                Events.Add($"{Clock.Elapsed.TotalSeconds,7:0.000} {what}");
            }
        }

        /// <summary>
        /// The group's committed offsets of both streams of <paramref name="partitions"/>, where a
        /// member given them starts (nothing committed: the beginning).
        /// </summary>
        public Dictionary<(LogStream Stream, int Partition), long> CommittedOffsets(IReadOnlyList<int> partitions)
        {
            var wanted = partitions
                .SelectMany(p => (TopicPartition[])[new(_options.OutboundTopic, p), new(_options.InboundTopic, p)])
                .ToList();
            return _offsets.Committed(wanted, Patience).ToDictionary(
                c => (c.Topic == _options.OutboundTopic ? LogStream.Outbound : LogStream.Inbound, c.Partition.Value),
                c => c.Offset == Offset.Unset ? 0 : c.Offset.Value);
        }

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

        public void Dispose() => _offsets.Dispose();
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
            // A round every 200 ms: a steady stream the members read while they join and leave.
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await AppendRoundAsync();
                    await pace.WaitForNextTickAsync(stop);
                }
            }
            catch (OperationCanceledException)
            {
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
        private readonly Dictionary<(LogStream Stream, int Partition), long> _startAt = []; // the group's committed offset when given
        private readonly Dictionary<(LogStream Stream, int Partition), long> _done = []; // next offset to process, once processing began
        private readonly Dictionary<(LogStream Stream, int Partition), long> _committed = []; // what this member last committed
        private readonly Task _loop;
        private int _batches;
        private int _processed;
        private int _assignments;
        private bool _leaving;
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
            // Every member revokes (and commits) before the group moves on, so these are final.
            var committed = _group.CommittedOffsets(partitions);
            lock (_group.Gate)
            {
                foreach (var (key, offset) in committed)
                {
                    _startAt[key] = offset;
                    if (_group.LeftAt.Remove(key, out var left))
                    {
                        if (offset == left.Next)
                        {
                            _group.TakenOverAsLeft++;
                        }
                        else
                        {
                            _group.Violations.Add($"{_name} was given {key.Stream} {key.Partition} at {offset}, but {left.Member} left it at {left.Next}");
                        }
                    }
                }

                _owned.UnionWith(partitions);
                _assignments++;
                _group.Event($"{_name} assigned [{string.Join(',', partitions)}] at {Positions(committed)}");
            }
        }

        public void Revoked(IReadOnlyList<int> partitions)
        {
            lock (_group.Gate)
            {
                foreach (var partition in partitions)
                {
                    foreach (var stream in (LogStream[])[LogStream.Outbound, LogStream.Inbound])
                    {
                        var key = (stream, partition);
                        var finished = _done.Remove(key, out var next);
                        if (finished && _committed.GetValueOrDefault(key, -1) != next)
                        {
                            Commit(stream, partition, next);
                        }

                        if (_leaving)
                        {
                            _group.LeftAt[key] = (_name, finished ? next : _startAt[key]);
                        }

                        _startAt.Remove(key);
                        _committed.Remove(key);
                    }
                }

                _owned.ExceptWith(partitions);
                _group.Event($"{_name} revoked [{string.Join(',', partitions)}]{(_leaving ? ", leaving" : "")}");
            }
        }

        /// <summary>Commits everything processed (the loop must be stopped or between batches).</summary>
        public void CommitAll()
        {
            lock (_group.Gate)
            {
                foreach (var ((stream, partition), next) in _done)
                {
                    if (_committed.GetValueOrDefault((stream, partition), -1) != next)
                    {
                        Commit(stream, partition, next);
                    }
                }
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
                lock (_group.Gate)
                {
                    _leaving = true;
                }

                await _consumer.DisposeAsync(); // Close(): Revoked, then leave the group
                _stop.Dispose();
            }
        }

        private static string Positions(Dictionary<(LogStream Stream, int Partition), long> offsets) =>
            string.Join(' ', offsets.OrderBy(o => o.Key).Select(o => $"{o.Key.Stream.ToString()[0]}{o.Key.Partition}@{o.Value}"));

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
                var key = (stream, partition);
                var first = batch.Entries[0].Position.Offset;
                var range = $"{stream} {partition} @{first}..{batch.NextOffset - 1}";
                if (!_owned.Contains(partition))
                {
                    _group.Violations.Add($"{_name} was handed {range}, a partition it does not own");
                    return;
                }

                var resumed = _done.TryGetValue(key, out var done);
                var expected = resumed ? done : _startAt[key];
                if (first != expected)
                {
                    _group.Violations.Add($"{_name} was handed {range}, not from {expected}, {(resumed ? "where it left off" : "the group's committed offset")}");
                }

                var furthest = _group.Furthest.GetValueOrDefault(key);
                if (!resumed && first < furthest)
                {
                    _group.Event($"{_name} re-reads {stream} {partition} from {first}: processed up to {furthest - 1} before, committed only up to {first - 1}");
                }

                foreach (var entry in batch.Entries)
                {
                    _group.Record(Text(entry.Value));
                    _processed++;
                }

                _group.Furthest[key] = Math.Max(furthest, batch.NextOffset);
                _done[key] = batch.NextOffset;
                if (++_batches % 4 == 0)
                {
                    CommitAll();
                }
            }
        }

        private void Commit(LogStream stream, int partition, long next)
        {
            _consumer.CommitAsync(partition, next, stream).AsTask().GetAwaiter().GetResult();
            _committed[(stream, partition)] = next;
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
