using MessagingGateway.Core.Log;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

public class EmbeddedLogTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Every_record_is_counted_as_published_before_a_consumer_can_read_it()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        long published = 0;
        await using var consumer = h.Log.CreateConsumer("reader");
        var readBeforeCounted = 0;
        h.Log.Published = count => Interlocked.Add(ref published, count);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await h.AppendAsync($"conv-{t}", $"{t}:{i}");
            }
        })));
        var many = Enumerable.Range(0, 300).Select(i => new LogRecord(System.Text.Encoding.UTF8.GetBytes($"bulk-{i % 7}"), System.Text.Encoding.UTF8.GetBytes($"bulk:{i}"))).ToArray();
        await h.Log.AppendManyAsync(many, new LogPosition[many.Length]);

        var read = 0;
        while (read < 700)
        {
            read += (await consumer.ConsumeAsync(CancellationToken.None)).Entries.Count;
            readBeforeCounted += read > Interlocked.Read(ref published) ? 1 : 0;
        }

        Assert.Equal(700, Interlocked.Read(ref published));
        Assert.Equal(0, readBeforeCounted);
    }

    [Fact]
    public async Task Concurrent_appends_get_unique_contiguous_positions_on_the_kafka_partition()
    {
        const int Tasks = 64;
        const int PerTask = 200;
        const int KeysPerTask = 8;
        await using var h = LogHarness.Create(partitionCount: 16);

        // Each task owns its keys and appends them one after another, so per-key order is known.
        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var appended = new List<(string Key, string Value, LogPosition Position)>(PerTask);
            for (var i = 0; i < PerTask; i++)
            {
                var key = $"conv-{t}-{i % KeysPerTask}";
                var value = $"{t}:{i}";
                appended.Add((key, value, await h.AppendAsync(key, value)));
            }

            return appended;
        })));
        var all = results.SelectMany(r => r).ToList();

        Assert.Equal(Tasks * PerTask, all.Select(a => a.Position).Distinct().Count());
        Assert.All(all, a => Assert.Equal(h.PartitionOf(a.Key), a.Position.Partition));
        foreach (var partition in all.GroupBy(a => a.Position.Partition))
        {
            var offsets = partition.Select(a => a.Position.Offset).Order().ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(o => (long)o), offsets);
        }

        await using var consumer = h.Log.CreateConsumer("reader");
        var entries = await LogHarness.DrainAsync(consumer);

        // Every record exactly once, at the position its append returned.
        Assert.Equal(all.Count, entries.Count);
        var expected = all.ToDictionary(a => a.Value, a => (a.Key, a.Position));
        foreach (var entry in entries)
        {
            var value = LogHarness.Text(entry.Value);
            Assert.True(expected.Remove(value, out var original), "unexpected or repeated " + value);
            Assert.Equal(original.Key, LogHarness.Text(entry.Key));
            Assert.Equal(original.Position, entry.Position);
        }

        Assert.Empty(expected);

        // Read in offset order per partition, each key's values come in its append order.
        var byKey = entries
            .OrderBy(e => e.Position.Partition).ThenBy(e => e.Position.Offset)
            .GroupBy(e => LogHarness.Text(e.Key));
        foreach (var key in byKey)
        {
            var sequence = key.Select(e => int.Parse(LogHarness.Text(e.Value).Split(':')[1])).ToList();
            Assert.Equal(sequence.Order(), sequence);
            Assert.Equal(PerTask / KeysPerTask, sequence.Count);
        }
    }

    [Fact]
    public async Task AppendMany_fills_positions_in_record_order()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        var key = h.KeyFor(2);
        var records = Enumerable.Range(0, 5).Select(i => LogHarness.Record(key, "v" + i)).ToArray();
        var positions = new LogPosition[records.Length];

        await h.Log.AppendManyAsync(records, positions);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => new LogPosition(2, i)), positions);
    }

    [Fact]
    public async Task Reopen_continues_offsets_and_keeps_earlier_records()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        var keys = Enumerable.Range(0, 4).Select(p => h.KeyFor(p)).ToArray();
        for (var i = 0; i < 10; i++)
        {
            foreach (var key in keys)
            {
                await h.AppendAsync(key, $"before-{key}-{i}");
            }
        }

        await h.ReopenAsync();

        for (var p = 0; p < 4; p++)
        {
            Assert.Equal(new LogPosition(p, 10), await h.AppendAsync(keys[p], $"after-{keys[p]}"));
        }

        await using var consumer = h.Log.CreateConsumer("audit");
        var entries = await LogHarness.DrainAsync(consumer);

        Assert.Equal(44, entries.Count);
        foreach (var entry in entries)
        {
            var key = LogHarness.Text(entry.Key);
            var expected = entry.Position.Offset < 10 ? $"before-{key}-{entry.Position.Offset}" : $"after-{key}";
            Assert.Equal(expected, LogHarness.Text(entry.Value));
        }
    }

    [Fact]
    public async Task Consumer_group_resumes_from_committed_position_after_reopen()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        var keys = Enumerable.Range(0, 4).Select(p => h.KeyFor(p)).ToArray();
        for (var i = 0; i < 10; i++)
        {
            foreach (var key in keys)
            {
                await h.AppendAsync(key, i.ToString());
            }
        }

        await using (var first = h.Log.CreateConsumer("dispatch"))
        {
            Assert.Equal(40, (await LogHarness.DrainAsync(first)).Count);
            for (var p = 0; p < 4; p++)
            {
                await first.CommitAsync(p, 5);
            }
        }

        await h.ReopenAsync();
        await h.AppendAsync(keys[0], "10");

        await using var resumed = h.Log.CreateConsumer("dispatch");
        var rest = await LogHarness.DrainAsync(resumed);

        var expected = Enumerable.Range(0, 4)
            .SelectMany(p => Enumerable.Range(5, p == 0 ? 6 : 5).Select(o => new LogPosition(p, o)));
        Assert.Equal(expected, rest.Select(e => e.Position).OrderBy(p => p.Partition).ThenBy(p => p.Offset));
    }

    [Fact]
    public async Task Reopening_with_another_partition_count_throws()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        await h.AppendAsync("conv-1", "x");
        await h.CloseAsync();

        using (var database = EmbeddedDatabase.Open(h.Path))
        {
            var error = Assert.Throws<InvalidOperationException>(
                () => new EmbeddedLog(database, h.Options with { PartitionCount = 8 }));
            Assert.Contains("4 partitions", error.Message, StringComparison.Ordinal);
        }

        // The stored count still opens.
        await h.ReopenAsync();
        Assert.Equal(4, h.Log.PartitionCount);
    }

    [Fact]
    public async Task Opening_a_database_twice_reports_it_in_use()
    {
        await using var h = LogHarness.Create();

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddedDatabase.Open(h.Path));
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trim_deletes_below_the_committed_position_and_new_groups_start_at_the_low_watermark()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        var key = h.KeyFor(1);
        var other = h.KeyFor(3);
        for (var i = 0; i < 10; i++)
        {
            await h.AppendAsync(key, "v" + i);
            await h.AppendAsync(other, "w" + i);
        }

        await using (var consumer = h.Log.CreateConsumer("dispatch"))
        {
            await LogHarness.DrainAsync(consumer);
            await consumer.CommitAsync(1, 6);
        }

        h.Log.Trim();

        Assert.Equal(6, h.Log.LowWatermark(1));
        Assert.Equal(0, h.Log.LowWatermark(3)); // nothing committed there: nothing trimmed

        await using var late = h.Log.CreateConsumer("late");
        var entries = await LogHarness.DrainAsync(late);
        var kept = entries.Where(e => e.Position.Partition == 1).ToList();
        Assert.Equal(Enumerable.Range(6, 4).Select(o => (long)o), kept.Select(e => e.Position.Offset));
        Assert.Equal(["v6", "v7", "v8", "v9"], kept.Select(e => LogHarness.Text(e.Value)));
        Assert.Equal(10, entries.Count(e => e.Position.Partition == 3));

        // The low watermark is durable.
        await h.ReopenAsync();
        Assert.Equal(6, h.Log.LowWatermark(1));
    }

    [Fact]
    public async Task Trim_keeps_what_the_slowest_group_has_not_committed()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        var key = h.KeyFor(0);
        for (var i = 0; i < 10; i++)
        {
            await h.AppendAsync(key, "v" + i);
        }

        await using var fast = h.Log.CreateConsumer("fast");
        await using var slow = h.Log.CreateConsumer("slow");
        await fast.CommitAsync(0, 8);
        await slow.CommitAsync(0, 3);

        h.Log.Trim();
        Assert.Equal(3, h.Log.LowWatermark(0));

        await slow.CommitAsync(0, 9);
        h.Log.Trim();
        Assert.Equal(8, h.Log.LowWatermark(0));

        // A consumer of the slow group restarts at its commit, which is still readable.
        await using var slowAgain = h.Log.CreateConsumer("slow");
        var rest = await LogHarness.DrainAsync(slowAgain);
        Assert.Equal(["v9"], rest.Select(e => LogHarness.Text(e.Value)));
    }

    [Fact]
    public async Task IsCaughtUp_tracks_what_the_consumer_has_read()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        await using var consumer = h.Log.CreateConsumer("g");
        Assert.True(consumer.IsCaughtUp); // empty log

        await h.AppendAsync(h.KeyFor(0), "a");
        await h.AppendAsync(h.KeyFor(2), "b");
        Assert.False(consumer.IsCaughtUp);

        using var timeout = new CancellationTokenSource(Patience);
        await consumer.ConsumeAsync(timeout.Token);
        Assert.False(consumer.IsCaughtUp); // one partition still unread
        await consumer.ConsumeAsync(timeout.Token);
        Assert.True(consumer.IsCaughtUp); // reading, not committing, is what counts

        await h.AppendAsync(h.KeyFor(0), "c");
        Assert.False(consumer.IsCaughtUp);
    }

    [Fact]
    public async Task Consume_hands_out_at_most_MaxConsumeBatch_records()
    {
        await using var h = LogHarness.Create(partitionCount: 2, maxConsumeBatch: 10);
        var key = h.KeyFor(0);
        var records = Enumerable.Range(0, 25).Select(i => LogHarness.Record(key, "v" + i)).ToArray();
        await h.Log.AppendManyAsync(records, new LogPosition[records.Length]);

        await using var consumer = h.Log.CreateConsumer("g");
        using var timeout = new CancellationTokenSource(Patience);
        var sizes = new List<int>();
        for (var i = 0; i < 10 && !consumer.IsCaughtUp; i++)
        {
            var batch = await consumer.ConsumeAsync(timeout.Token);
            sizes.Add(batch.Entries.Count);
            Assert.Equal(batch.Entries[^1].Position.Offset + 1, batch.NextOffset);
        }

        Assert.Equal([10, 10, 5], sizes);
    }

    [Fact]
    public async Task Consume_waits_for_the_next_append()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        await using var consumer = h.Log.CreateConsumer("g");
        using var timeout = new CancellationTokenSource(Patience);

        // No sleep to show it is still waiting: whatever it completes with must be the record
        // appended after it was called, which it can only have by waiting for it (an early
        // return, empty or with an error, fails below).
        var pending = consumer.ConsumeAsync(timeout.Token).AsTask();
        Assert.False(pending.IsCompleted);

        var position = await h.AppendAsync("conv-42", "hello");
        var batch = await pending.WaitAsync(Patience);

        var entry = Assert.Single(batch.Entries);
        Assert.Equal(position, entry.Position);
        Assert.Equal(position.Partition, batch.Partition);
        Assert.Equal("hello", LogHarness.Text(entry.Value));
    }

    [Fact]
    public async Task Consume_honors_cancellation()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        await using var consumer = h.Log.CreateConsumer("g");
        using var cancel = new CancellationTokenSource();

        var pending = consumer.ConsumeAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Patience));
    }

    [Fact]
    public async Task Consume_pending_when_the_log_closes_fails_instead_of_spinning()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        await using var consumer = h.Log.CreateConsumer("g");
        using var cancel = new CancellationTokenSource(Patience);

        var pending = consumer.ConsumeAsync(cancel.Token).AsTask();
        await h.Log.DisposeAsync();

        await Assert.ThrowsAsync<LogUnavailableException>(() => pending.WaitAsync(Patience));
    }

    [Fact]
    public async Task Append_after_dispose_throws_LogUnavailable()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        await h.AppendAsync("conv-1", "before");
        await h.Log.DisposeAsync();

        await Assert.ThrowsAsync<LogUnavailableException>(async () => await h.AppendAsync("conv-1", "after"));
        await Assert.ThrowsAsync<LogUnavailableException>(async () =>
            await h.Log.AppendManyAsync(new[] { LogHarness.Record("conv-1", "after") }, new LogPosition[1]));
    }

    [Fact]
    public async Task Cancelling_the_wait_does_not_cancel_the_append()
    {
        await using var h = LogHarness.Create(partitionCount: 4);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        try
        {
            await h.Log.AppendAsync(LogHarness.Record("conv-1", "queued"), cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: only the wait is cancelled (unless the write won the race).
        }

        await using var consumer = h.Log.CreateConsumer("g");
        using var timeout = new CancellationTokenSource(Patience);
        var batch = await consumer.ConsumeAsync(timeout.Token);
        Assert.Equal("queued", LogHarness.Text(Assert.Single(batch.Entries).Value));
    }
}
