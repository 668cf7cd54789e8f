using System.Text;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IWebhookStore"/> does: endpoints, streams numbered per (tenant, partition) without gaps, the outbox, dead letters.</summary>
public abstract class WebhookStoreContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IWebhookStore Store { get; }

    [Fact]
    public async Task Without_an_endpoint_events_are_stored_for_replay_but_not_queued_for_delivery()
    {
        Assert.Null(await Store.PublishAsync(Event("evt_1"), T0));

        var stored = Assert.Single(await Store.ReadEventsAsync("t1", 0, 0, 10));
        Assert.Equal(("evt_1", 1L), (stored.Id, stored.Seq));
        Assert.Empty(await Store.ReadOutboxAsync(0));
    }

    [Fact]
    public async Task With_an_endpoint_each_new_event_is_queued_once_and_a_replay_is_not()
    {
        Assert.Null(await Store.PublishAsync(Event("evt_before"), T0));
        await Store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));

        var entry = await Store.PublishAsync(Event("evt_after"), T0.AddSeconds(1));
        Assert.NotNull(entry);
        Assert.Equal(("evt_after", 2L, T0.AddSeconds(1)), (entry.EventId, entry.EventSeq, entry.NextAttemptAt));
        Assert.Null(await Store.PublishAsync(Event("evt_after"), T0.AddSeconds(2)));

        Assert.Equal(["evt_after"], (await Store.ReadOutboxAsync(0)).Select(e => e.EventId));
        Assert.Equal(["evt_before", "evt_after"], (await Store.ReadEventsAsync("t1", 0, 0, 10)).Select(e => e.Id));
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
                await Store.PublishAsync(Event($"evt_{tenant}_{partition}_{i}", tenant, partition), T0);
            }
        })))));

        foreach (var tenant in tenants)
        {
            foreach (var partition in partitions)
            {
                var events = await Store.ReadEventsAsync(tenant, partition, 0, PerStream + 1);
                Assert.Equal(Enumerable.Range(1, PerStream).Select(seq => (long)seq), events.Select(e => e.Seq));
                Assert.All(events, e => Assert.Equal((tenant, partition), (e.TenantId, e.Partition)));
                Assert.Equal(PerStream, events.Select(e => e.Id).Distinct().Count());
            }

            Assert.Empty(await Store.ReadEventsAsync(tenant, 2, 0, 10));
        }
    }

    [Fact]
    public async Task Dead_letters_are_listed_by_partition_then_sequence_and_redelivered_by_event_id()
    {
        await Store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var entries = new List<OutboxEntry>();
        foreach (var (id, partition) in new[] { ("evt_a", 3), ("evt_b", 1), ("evt_c", 3), ("evt_d", 0) })
        {
            entries.Add((await Store.PublishAsync(Event(id, "t1", partition), T0))!);
        }

        foreach (var entry in entries)
        {
            await Store.DeadLetterAsync(new DeadLetter(entry, T0, "HTTP 500"));
        }

        Assert.Empty(await Store.ReadOutboxAsync(0));
        var all = await Store.ReadDeadLettersAsync("t1", 0, 0, 10);
        Assert.Equal(["evt_d", "evt_b", "evt_a", "evt_c"], all.Select(d => d.Entry.EventId));
        var afterB = await Store.ReadDeadLettersAsync("t1", 1, 1, 10);
        Assert.Equal(["evt_a", "evt_c"], afterB.Select(d => d.Entry.EventId));

        var redelivered = await Store.RedeliverAsync("t1", "evt_c", T0.AddHours(1));
        Assert.Equal((3, 2L), (redelivered!.Partition, redelivered.EventSeq));
        Assert.Equal("evt_c", (await Store.GetEventAsync("t1", 3, 2))!.Id);
        Assert.Equal(["evt_c"], (await Store.ReadOutboxAsync(3)).Select(e => e.EventId));
        Assert.Empty(await Store.ReadOutboxAsync(1));
        Assert.Equal(["evt_d", "evt_b", "evt_a"], (await Store.ReadDeadLettersAsync("t1", 0, 0, 10)).Select(d => d.Entry.EventId));
    }

    [Fact]
    public async Task Outbox_entries_round_trip_their_retry_state_and_leave_when_completed()
    {
        await Store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var entry = (await Store.PublishAsync(Event("evt_1", "t1", 4), T0))!;
        var retried = entry with { Attempts = 2, FirstAttemptAt = T0.AddSeconds(1), NextAttemptAt = T0.AddMinutes(1), LastError = "HTTP 503" };
        await Store.UpdateOutboxAsync(retried);

        Assert.Equal([retried], await Store.ReadOutboxAsync(4));
        await Store.CompleteOutboxAsync(retried);
        Assert.Empty(await Store.ReadOutboxAsync(4));

        await Store.UpdateOutboxAsync(retried); // a late update of a completed entry does not bring it back
        Assert.Empty(await Store.ReadOutboxAsync(4));
        Assert.Equal("evt_1", (await Store.GetEventAsync("t1", 4, 1))!.Id);
        Assert.Null(await Store.GetEventAsync("t1", 4, 2));
        Assert.Null(await Store.RedeliverAsync("t1", "evt_1", T0));
    }

    [Fact]
    public async Task An_event_keeps_its_body_byte_for_byte_and_its_fields()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"evt_b\",\"data\":{\"text\":\"héllo \\u2028\"}}");
        await Store.PublishAsync(new WebhookEvent("evt_b", "message.inbound", "t1", "cnv_z", T0, body, Partition: 2), T0);

        var stored = Assert.Single(await Store.ReadEventsAsync("t1", 2, 0, 10));
        Assert.Equal(("evt_b", "message.inbound", "t1", "cnv_z", T0, 1L, 2), (stored.Id, stored.Type, stored.TenantId, stored.ConversationId, stored.CreatedAt, stored.Seq, stored.Partition));
        Assert.Equal(body, stored.Body);
    }

    protected static WebhookEvent Event(string id, string tenant = "t1", int partition = 0) =>
        new(id, "message.status", tenant, "cnv_a", T0, Encoding.UTF8.GetBytes("{\"id\":\"" + id + "\"}"), Partition: partition);
}
