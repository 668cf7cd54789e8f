using System.Text;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbWebhookStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private EmbeddedDatabase _database;
    private RocksDbWebhookStore _store;

    public RocksDbWebhookStoreTests()
    {
        _database = EmbeddedDatabase.Open(_directory.Path);
        _store = new RocksDbWebhookStore(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Without_an_endpoint_events_are_stored_for_replay_but_not_queued_for_delivery()
    {
        Assert.Null(await _store.PublishAsync(Event("evt_1"), T0));

        var stored = Assert.Single(await _store.ReadEventsAsync("t1", 0, 0, 10));
        Assert.Equal(("evt_1", 1L), (stored.Id, stored.Seq));
        Assert.Empty(await _store.ReadOutboxAsync(0));
    }

    [Fact]
    public async Task With_an_endpoint_each_new_event_is_queued_once_and_a_replay_is_not()
    {
        Assert.Null(await _store.PublishAsync(Event("evt_before"), T0));
        await _store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));

        var entry = await _store.PublishAsync(Event("evt_after"), T0.AddSeconds(1));
        Assert.NotNull(entry);
        Assert.Equal(("evt_after", 2L, T0.AddSeconds(1)), (entry.EventId, entry.EventSeq, entry.NextAttemptAt));
        Assert.Null(await _store.PublishAsync(Event("evt_after"), T0.AddSeconds(2)));

        Assert.Equal(["evt_after"], (await _store.ReadOutboxAsync(0)).Select(e => e.EventId));
        Assert.Equal(["evt_before", "evt_after"], (await _store.ReadEventsAsync("t1", 0, 0, 10)).Select(e => e.Id));
    }

    [Fact]
    public async Task An_endpoint_and_the_stream_position_survive_a_reopen()
    {
        await _store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        await _store.PublishAsync(Event("evt_1"), T0);

        _database.Dispose();
        _database = EmbeddedDatabase.Open(_directory.Path);
        _store = new RocksDbWebhookStore(_database);

        Assert.Equal("http://127.0.0.1:9/hook", (await _store.GetSubscriptionAsync("t1"))?.Url);
        var entry = await _store.PublishAsync(Event("evt_2"), T0);
        Assert.Equal(2L, entry?.EventSeq);
        Assert.Null(await _store.GetSubscriptionAsync("t2"));
    }

    [Fact]
    public async Task Tenants_publishing_at_once_get_a_gapless_sequence_per_tenant_and_partition_in_stream_order()
    {
        const int PerStream = 200;
        string[] tenants = ["t1", "t2", "t3"];
        int[] partitions = [0, 1, 7];
        await Task.WhenAll(tenants.SelectMany(tenant => partitions.SelectMany(partition => Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < PerStream; i += 2)
            {
                await _store.PublishAsync(Event($"evt_{tenant}_{partition}_{i}", tenant, partition), T0);
            }
        })))));

        foreach (var tenant in tenants)
        {
            foreach (var partition in partitions)
            {
                var events = await _store.ReadEventsAsync(tenant, partition, 0, PerStream + 1);
                Assert.Equal(Enumerable.Range(1, PerStream).Select(seq => (long)seq), events.Select(e => e.Seq));
                Assert.All(events, e => Assert.Equal((tenant, partition), (e.TenantId, e.Partition)));
                Assert.Equal(PerStream, events.Select(e => e.Id).Distinct().Count());
            }

            Assert.Empty(await _store.ReadEventsAsync(tenant, 2, 0, 10));
        }
    }

    [Fact]
    public async Task Dead_letters_are_listed_by_partition_then_sequence_and_redelivered_by_event_id()
    {
        await _store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var entries = new List<OutboxEntry>();
        foreach (var (id, partition) in new[] { ("evt_a", 3), ("evt_b", 1), ("evt_c", 3), ("evt_d", 0) })
        {
            entries.Add((await _store.PublishAsync(Event(id, "t1", partition), T0))!);
        }

        foreach (var entry in entries)
        {
            await _store.DeadLetterAsync(new DeadLetter(entry, T0, "HTTP 500"));
        }

        Assert.Empty(await _store.ReadOutboxAsync(0));
        var all = await _store.ReadDeadLettersAsync("t1", 0, 0, 10);
        Assert.Equal(["evt_d", "evt_b", "evt_a", "evt_c"], all.Select(d => d.Entry.EventId));
        var afterB = await _store.ReadDeadLettersAsync("t1", 1, 1, 10);
        Assert.Equal(["evt_a", "evt_c"], afterB.Select(d => d.Entry.EventId));

        var redelivered = await _store.RedeliverAsync("t1", "evt_c", T0.AddHours(1));
        Assert.Equal((3, 2L), (redelivered!.Partition, redelivered.EventSeq));
        Assert.Equal("evt_c", (await _store.GetEventAsync("t1", 3, 2))!.Id);
        Assert.Equal(["evt_c"], (await _store.ReadOutboxAsync(3)).Select(e => e.EventId));
        Assert.Empty(await _store.ReadOutboxAsync(1));
        Assert.Equal(["evt_d", "evt_b", "evt_a"], (await _store.ReadDeadLettersAsync("t1", 0, 0, 10)).Select(d => d.Entry.EventId));
    }

    private static WebhookEvent Event(string id, string tenant = "t1", int partition = 0) =>
        new(id, "message.status", tenant, "cnv_a", T0, Encoding.UTF8.GetBytes("{\"id\":\"" + id + "\"}"), Partition: partition);
}
