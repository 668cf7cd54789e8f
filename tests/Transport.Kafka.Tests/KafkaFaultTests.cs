using System.Diagnostics;
using Confluent.Kafka;
using MessagingGateway.Core.Log;
using Xunit.Abstractions;
using static MessagingGateway.Transport.Kafka.Tests.KafkaHarness;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>Faults injected into the mock cluster under the log: outage, moving leaders, failing requests.</summary>
public sealed class KafkaFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task With_the_broker_down_appends_fail_within_the_delivery_timeout_and_succeed_once_it_is_back()
    {
        var deliveryTimeout = TimeSpan.FromSeconds(2);
        await using var h = Start(brokers: 1, partitions: 4, deliveryTimeout: deliveryTimeout);
        const string Key = "conv-1";
        var acknowledged = new List<string> { "before" };
        await h.AppendAsync(Key, "before");

        h.Cluster.SetBrokerDown(1);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<LogUnavailableException>(async () => await h.AppendAsync(Key, "during"));
        output.WriteLine($"single append failed after {clock.Elapsed.TotalSeconds:0.0}s");
        Assert.True(clock.Elapsed < deliveryTimeout + Margin, $"the append failed only after {clock.Elapsed}");

        // Several at once fail together, and as fast.
        clock.Restart();
        var many = Enumerable.Range(0, 10).Select(i => Record($"conv-{i}", $"during-many-{i}")).ToArray();
        await Assert.ThrowsAsync<LogUnavailableException>(async () => await h.Log.AppendManyAsync(many, new LogPosition[many.Length]));
        output.WriteLine($"append of 10 failed after {clock.Elapsed.TotalSeconds:0.0}s");
        Assert.True(clock.Elapsed < deliveryTimeout + Margin, $"the appends failed only after {clock.Elapsed}");

        h.Cluster.SetBrokerUp(1);

        // The client reconnects with a backoff, so the first attempts may still time out; the
        // caller (the API's client, after a 503) retries. Each attempt has a value of its own.
        clock.Restart();
        var attempt = 0;
        while (true)
        {
            var value = $"after-attempt-{attempt++}";
            try
            {
                await h.AppendAsync(Key, value);
                acknowledged.Add(value);
                break;
            }
            catch (LogUnavailableException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
            }
        }

        output.WriteLine($"appends succeed again {clock.Elapsed.TotalSeconds:0.0}s after the broker came back ({attempt} attempts)");

        // From then on every append succeeds.
        for (var i = 0; i < 20; i++)
        {
            await h.AppendAsync(Key, "after-" + i);
            acknowledged.Add("after-" + i);
        }

        await using var consumer = h.Log.CreateConsumer("g");
        var entries = await ReadUntilAsync(consumer, read => read.Any(e => Text(e.Value) == acknowledged[^1]), "the last acknowledged record");
        var values = entries.Select(e => Text(e.Value)).ToList();

        // Everything acknowledged is there once, in order; an attempt reported failed may have
        // been written (at-least-once for the caller's retry) but never twice.
        Assert.Equal(acknowledged, values.Where(acknowledged.Contains));
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.All(values.Except(acknowledged), v => Assert.StartsWith("after-attempt-", v));
    }

    [Fact]
    public async Task Leaders_moving_mid_stream_lose_reorder_and_duplicate_nothing()
    {
        const int Rounds = 5;
        await using var h = Start(brokers: 3, partitions: 6, replicationFactor: 3);
        var moves = 0;
        var progress = new Progress();
        var appended = AppendStreamsAsync(h, keys: 8, minimum: 30, faultsOver: () => Volatile.Read(ref moves) == Rounds, progress);

        for (var round = 1; round <= Rounds; round++)
        {
            await progress.AtLeastAsync(16, appended, "between two leader moves");
            for (var p = 0; p < h.Partitions; p++)
            {
                var leader = ((p + round) % 3) + 1;
                h.Cluster.SetPartitionLeader(h.Options.OutboundTopic, p, leader);
                h.Cluster.SetPartitionLeader(h.Options.InboundTopic, p, leader);
            }

            Interlocked.Increment(ref moves);
        }

        var all = await appended;
        output.WriteLine($"{all.Count} records appended through {Rounds} rounds of leader moves");
        await AssertReadOnceInOrderAsync(h, all);
    }

    [Fact]
    public async Task Retriable_produce_errors_are_retried_into_exactly_one_record_each()
    {
        // Each error fails one produce request; pushed faster than the retries consume them,
        // they would fail every request until the delivery timeout, so a few rounds only.
        const int Rounds = 8;
        await using var h = Start(brokers: 1, partitions: 4);
        var pushes = 0;
        var progress = new Progress();
        var appended = AppendStreamsAsync(h, keys: 8, minimum: 30, faultsOver: () => Volatile.Read(ref pushes) == Rounds, progress);

        for (var round = 1; round <= Rounds; round++)
        {
            // Appends acknowledged since the last push: the errors do not pile up faster than traffic goes through.
            await progress.AtLeastAsync(16, appended, "between two pushes of errors");
            h.Cluster.PushRequestErrors(
                0, // Produce
                ErrorCode.NotLeaderForPartition,
                ErrorCode.RequestTimedOut,
                ErrorCode.NotEnoughReplicas,
                ErrorCode.LeaderNotAvailable);
            Interlocked.Increment(ref pushes);
        }

        var all = await appended;
        output.WriteLine($"{all.Count} records appended through {Rounds} rounds of 4 injected produce errors");
        await AssertReadOnceInOrderAsync(h, all);
    }

    /// <summary>
    /// One task per key appending one record after the other (every third key three at a time,
    /// every other key on the inbound stream) from before the faults until 10 appends after
    /// <paramref name="faultsOver"/> and at least <paramref name="minimum"/>; all must succeed.
    /// </summary>
    private static async Task<List<(string Key, string Value, LogPosition Position)>> AppendStreamsAsync(KafkaHarness h, int keys, int minimum, Func<bool> faultsOver, Progress progress)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, keys).Select(k => Task.Run(async () =>
        {
            var key = "conv-" + k;
            var stream = k % 2 == 0 ? LogStream.Outbound : LogStream.Inbound;
            var appended = new List<(string Key, string Value, LogPosition Position)>();
            int? stopAt = null;
            for (var i = 0; stopAt is null || i < stopAt;)
            {
                if (stopAt is null && faultsOver())
                {
                    stopAt = Math.Max(minimum, i + 10);
                }

                if (k % 3 == 0)
                {
                    var values = Enumerable.Range(i, 3).Select(n => $"{key}:{n}").ToArray();
                    var positions = new LogPosition[values.Length];
                    await h.Log.AppendManyAsync(values.Select(v => Record(key, v, stream)).ToArray(), positions);
                    appended.AddRange(values.Select((v, n) => (key, v, positions[n])));
                    progress.Add(values.Length);
                    i += 3;
                }
                else
                {
                    var value = $"{key}:{i++}";
                    appended.Add((key, value, await h.AppendAsync(key, value, stream)));
                    progress.Add(1);
                }
            }

            return appended;
        })));
        return [.. results.SelectMany(r => r)];
    }

    /// <summary>How many records the streams have had acknowledged; a round of faults waits for more of them, not for a time.</summary>
    private sealed class Progress
    {
        private int _acknowledged;
        private int _mark;

        public void Add(int records) => Interlocked.Add(ref _acknowledged, records);

        /// <summary>
        /// Waits until <paramref name="records"/> more were acknowledged since the last wait ended (or the start),
        /// or until the <paramref name="streams"/> ended (a failed append: awaiting them tells why).
        /// </summary>
        public async Task AtLeastAsync(int records, Task streams, string what)
        {
            var target = _mark + records;
            await Eventually.HoldsAsync(() => Volatile.Read(ref _acknowledged) >= target || streams.IsCompleted, TimeSpan.FromSeconds(30), $"{records} records acknowledged {what}");
            _mark = Volatile.Read(ref _acknowledged);
        }
    }

    private static async Task AssertReadOnceInOrderAsync(KafkaHarness h, List<(string Key, string Value, LogPosition Position)> all)
    {
        Assert.Equal(all.Count, all.Select(a => a.Position).Distinct().Count());
        Assert.All(all, a => Assert.Equal(h.PartitionOf(a.Key), a.Position.Partition));

        await using var consumer = h.Log.CreateConsumer("reader");
        var entries = await ReadAsync(consumer, all.Count);

        var expected = all.ToDictionary(a => a.Value, a => a.Position);
        foreach (var entry in entries)
        {
            var value = Text(entry.Value);
            Assert.True(expected.Remove(value, out var position), "unexpected or repeated " + value);
            Assert.Equal(position, entry.Position);
        }

        Assert.Empty(expected);
        foreach (var key in entries.GroupBy(e => Text(e.Key)))
        {
            var sequence = key.Select(e => int.Parse(Text(e.Value).Split(':')[1])).ToList();
            Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        }
    }
}
