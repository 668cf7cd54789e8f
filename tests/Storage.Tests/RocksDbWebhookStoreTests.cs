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

        var stored = Assert.Single(await _store.ReadEventsAsync("t1", 0, 10));
        Assert.Equal(("evt_1", 1L), (stored.Id, stored.Seq));
        Assert.Empty(await _store.ReadOutboxAsync());
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

        Assert.Equal(["evt_after"], (await _store.ReadOutboxAsync()).Select(e => e.EventId));
        Assert.Equal(["evt_before", "evt_after"], (await _store.ReadEventsAsync("t1", 0, 10)).Select(e => e.Id));
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
    public async Task Tenants_publishing_at_once_each_get_their_own_gapless_sequence_in_stream_order()
    {
        const int PerTenant = 400;
        string[] tenants = ["t1", "t2", "t3"];
        await Task.WhenAll(tenants.SelectMany(tenant => Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < PerTenant; i += 4)
            {
                await _store.PublishAsync(Event($"evt_{tenant}_{i}", tenant), T0);
            }
        }))));

        foreach (var tenant in tenants)
        {
            var events = await _store.ReadEventsAsync(tenant, 0, PerTenant + 1);
            Assert.Equal(Enumerable.Range(1, PerTenant).Select(seq => (long)seq), events.Select(e => e.Seq));
            Assert.All(events, e => Assert.Equal(tenant, e.TenantId));
            Assert.Equal(PerTenant, events.Select(e => e.Id).Distinct().Count());
        }
    }

    private static WebhookEvent Event(string id, string tenant = "t1") =>
        new(id, "message.status", tenant, "cnv_a", T0, Encoding.UTF8.GetBytes("{\"id\":\"" + id + "\"}"));
}
