using MessagingGateway.Core.Log;
using static MessagingGateway.Transport.Kafka.Tests.KafkaHarness;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>The Kafka log on a healthy (mock) cluster: placement, positions, order, streams.</summary>
public sealed class KafkaLogTests
{
    [Fact]
    public async Task Concurrent_appends_land_on_the_murmur2_partition_once_each_in_key_order()
    {
        const int Tasks = 10;
        const int KeysPerTask = 5;
        const int PerKey = 40; // 10 tasks × 5 keys × 40 = 2,000 records over 50 keys
        await using var h = Start(partitions: 8);

        // Each task owns its keys and appends them in sequence, singly or several at once, so
        // per-key order is what the task did; the tasks run side by side.
        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var appended = new List<(string Key, string Value, LogPosition Position)>();
            var sequence = 0;
            while (sequence < PerKey)
            {
                if (sequence % 4 == 0)
                {
                    for (var k = 0; k < KeysPerTask; k++)
                    {
                        var key = $"conv-{t}-{k}";
                        var value = $"{key}:{sequence}";
                        appended.Add((key, value, await h.AppendAsync(key, value)));
                    }

                    sequence++;
                }
                else
                {
                    // Three rounds of every key in one call: record order within a call is append order.
                    var rounds = Math.Min(3, PerKey - sequence);
                    var batch = new List<(string Key, string Value)>();
                    for (var r = 0; r < rounds; r++, sequence++)
                    {
                        for (var k = 0; k < KeysPerTask; k++)
                        {
                            var key = $"conv-{t}-{k}";
                            batch.Add((key, $"{key}:{sequence}"));
                        }
                    }

                    var positions = new LogPosition[batch.Count];
                    await h.Log.AppendManyAsync(batch.Select(b => Record(b.Key, b.Value)).ToArray(), positions);
                    appended.AddRange(batch.Select((b, i) => (b.Key, b.Value, positions[i])));
                }
            }

            return appended;
        })));
        var all = results.SelectMany(r => r).ToList();

        Assert.Equal(Tasks * KeysPerTask * PerKey, all.Count);
        Assert.Equal(all.Count, all.Select(a => a.Position).Distinct().Count());
        Assert.All(all, a => Assert.Equal(h.PartitionOf(a.Key), a.Position.Partition));
        Assert.All(all, a => Assert.Equal(LogStream.Outbound, a.Position.Stream));
        foreach (var key in all.GroupBy(a => a.Key))
        {
            // Appended one after another, so offsets rise in sequence order.
            var offsets = key.Select(a => a.Position.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
        }

        await using var consumer = h.Log.CreateConsumer("reader");
        var entries = await ReadAsync(consumer, all.Count);

        // Every record exactly once, at the position its append returned.
        var expected = all.ToDictionary(a => a.Value, a => (a.Key, a.Position));
        foreach (var entry in entries)
        {
            var value = Text(entry.Value);
            Assert.True(expected.Remove(value, out var original), "unexpected or repeated " + value);
            Assert.Equal(original.Key, Text(entry.Key));
            Assert.Equal(original.Position, entry.Position);
        }

        Assert.Empty(expected);

        // In the order they were read, each key's values come in its append order.
        foreach (var key in entries.GroupBy(e => Text(e.Key)))
        {
            var sequence = key.Select(e => int.Parse(Text(e.Value).Split(':')[1])).ToList();
            Assert.Equal(Enumerable.Range(0, PerKey), sequence);
        }
    }

    [Fact]
    public async Task AppendMany_fills_positions_in_record_order()
    {
        await using var h = Start(partitions: 4);
        var key = h.KeyFor(2);
        await h.AppendAsync(key, "first");
        var records = Enumerable.Range(0, 5).Select(i => Record(key, "v" + i)).ToArray();
        var positions = new LogPosition[records.Length];

        await h.Log.AppendManyAsync(records, positions);

        Assert.Equal(Enumerable.Range(1, 5).Select(i => new LogPosition(2, i)), positions);
    }

    [Fact]
    public async Task Inbound_records_share_the_partition_of_their_conversation_and_commit_on_their_own()
    {
        await using var h = Start(partitions: 4);
        var key = h.KeyFor(3);
        var outbound = new List<LogPosition>();
        var inbound = new List<LogPosition>();
        for (var i = 0; i < 5; i++)
        {
            outbound.Add(await h.AppendAsync(key, "out" + i));
            inbound.Add(await h.AppendAsync(key, "in" + i, LogStream.Inbound));
        }

        // Same partition in both topics, offsets counted per topic.
        Assert.Equal(Enumerable.Range(0, 5).Select(i => new LogPosition(3, i, LogStream.Outbound)), outbound);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => new LogPosition(3, i, LogStream.Inbound)), inbound);

        await using (var first = h.Log.CreateConsumer("g"))
        {
            var entries = await ReadAsync(first, 10);
            Assert.Equal(outbound, entries.Where(e => Text(e.Value).StartsWith("out")).Select(e => e.Position));
            Assert.Equal(inbound, entries.Where(e => Text(e.Value).StartsWith("in")).Select(e => e.Position));

            // Each stream has its own committed position.
            await first.CommitAsync(3, 5, LogStream.Outbound);
            await first.CommitAsync(3, 2, LogStream.Inbound);
        }

        await using var resumed = h.Log.CreateConsumer("g");
        var rest = await ReadAsync(resumed, 3);
        Assert.Equal(["in2", "in3", "in4"], rest.Select(e => Text(e.Value)));
        Assert.All(rest, e => Assert.Equal(LogStream.Inbound, e.Position.Stream));
    }

    [Fact]
    public async Task Cancelling_the_wait_does_not_cancel_the_append()
    {
        await using var h = Start(partitions: 4);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await h.Log.AppendAsync(Record("conv-1", "queued"), cancelled.Token));

        await using var consumer = h.Log.CreateConsumer("g");
        var entry = Assert.Single(await ReadAsync(consumer, 1));
        Assert.Equal("queued", Text(entry.Value));
    }

    [Fact]
    public async Task Append_after_dispose_throws_LogUnavailable_and_dispose_delivers_what_was_queued()
    {
        await using var h = Start(partitions: 4);
        var queued = h.Log.AppendAsync(Record("conv-1", "queued"));
        await h.Log.DisposeAsync();

        Assert.Equal(0, (await queued).Offset);
        await Assert.ThrowsAsync<LogUnavailableException>(async () => await h.AppendAsync("conv-1", "after"));
        await Assert.ThrowsAsync<LogUnavailableException>(async () =>
            await h.Log.AppendManyAsync(new[] { Record("conv-1", "after") }, new LogPosition[1]));
    }

    [Fact]
    public async Task Consume_waits_for_the_next_append_and_honors_cancellation()
    {
        await using var h = Start(partitions: 4);
        await using var consumer = h.Log.CreateConsumer("g");

        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await consumer.ConsumeAsync(cancel.Token));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pending = consumer.ConsumeAsync(timeout.Token).AsTask();
        var position = await h.AppendAsync("conv-42", "hello");
        var batch = await pending;

        var entry = Assert.Single(batch.Entries);
        Assert.Equal(position, entry.Position);
        Assert.Equal(position.Partition, batch.Partition);
        Assert.Equal("hello", Text(entry.Value));
    }
}
