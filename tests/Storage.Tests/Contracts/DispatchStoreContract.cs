using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IDispatchStore"/> does: a unit's rows written together, its events numbered in the unit's partition once.</summary>
public abstract class DispatchStoreContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IDispatchStore Dispatch { get; }

    protected abstract IConversationStore Conversations { get; }

    protected abstract IDeliveryLedger Ledger { get; }

    protected abstract IWebhookStore Webhooks { get; }

    [Fact]
    public async Task A_unit_writes_its_message_timeline_statuses_hand_over_and_events_and_queues_them_for_an_endpoint()
    {
        await Webhooks.PutSubscriptionAsync(new WebhookSubscription("tenant", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var message = NewMessage("cnv_unit");
        var writes = Unit(message, partition: 6);

        var entries = await Dispatch.WriteAsync(writes);

        Assert.Equal([(6, 1L, "evt_unit_1"), (6, 2L, "evt_unit_2")], entries.Select(e => (e.Partition, e.EventSeq, e.EventId)));
        var stored = (await Conversations.GetMessageAsync(message.Id))!;
        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued], stored.StatusHistory.Select(s => s.Status));
        Assert.Equal(message.Id, Assert.Single(await Conversations.ReadTimelineAsync("cnv_unit", 0, 10)).MessageId);
        Assert.Equal("prov-1", (await Ledger.GetHandoffAsync(message.Id))!.ProviderMessageId);
        Assert.Equal(["evt_unit_1", "evt_unit_2"], (await Webhooks.ReadEventsAsync("tenant", 6, 0, 10)).Select(e => e.Id));
        Assert.Equal(entries, await Webhooks.ReadOutboxAsync(6));
    }

    [Fact]
    public async Task A_unit_written_again_after_a_crash_changes_nothing_twice()
    {
        await Webhooks.PutSubscriptionAsync(new WebhookSubscription("tenant", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var message = NewMessage("cnv_replay");
        Assert.Equal(2, (await Dispatch.WriteAsync(Unit(message, partition: 1))).Count);

        Assert.Empty(await Dispatch.WriteAsync(Unit(message, partition: 1)));

        Assert.Equal([1L, 2L], (await Webhooks.ReadEventsAsync("tenant", 1, 0, 10)).Select(e => e.Seq));
        Assert.Equal(2, (await Webhooks.ReadOutboxAsync(1)).Count);
        Assert.Single(await Conversations.ReadTimelineAsync("cnv_replay", 0, 10));
        Assert.Equal(2, (await Conversations.GetMessageAsync(message.Id))!.StatusHistory.Count);
    }

    [Fact]
    public async Task A_consumer_batch_of_units_for_several_tenants_is_one_write_and_numbers_each_stream_once()
    {
        await Webhooks.PutSubscriptionAsync(new WebhookSubscription("tenant", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var first = NewMessage("cnv_batch_a");
        var second = NewMessage("cnv_batch_b");
        var other = new DispatchWrites(4);
        other.Publish(new WebhookEvent("evt_other_1", "message.inbound", "other-tenant", "cnv_other", T0, "{}"u8.ToArray()), T0);
        var again = new DispatchWrites(4);
        again.Publish(new WebhookEvent("evt_batch_a_2", "message.status", "tenant", first.ConversationId, T0, "{}"u8.ToArray()), T0); // published twice in one batch

        var entries = await Dispatch.WriteAsync([Unit(first, partition: 4), other, Unit(second, partition: 4), again]);

        // Only the tenant with an endpoint has deliveries queued, in the order the units were given.
        Assert.Equal(["evt_batch_a_1", "evt_batch_a_2", "evt_batch_b_1", "evt_batch_b_2"], entries.Select(e => e.EventId));
        Assert.Equal([1L, 2L, 3L, 4L], (await Webhooks.ReadEventsAsync("tenant", 4, 0, 10)).Select(e => e.Seq));
        Assert.Equal([1L], (await Webhooks.ReadEventsAsync("other-tenant", 4, 0, 10)).Select(e => e.Seq));
        Assert.Single(await Conversations.ReadTimelineAsync("cnv_batch_b", 0, 10));
        Assert.Equal("prov-1", (await Ledger.GetHandoffAsync(second.Id))!.ProviderMessageId);
    }

    [Fact]
    public async Task Without_an_endpoint_events_are_stored_and_nothing_is_queued()
    {
        var message = NewMessage("cnv_quiet");

        Assert.Empty(await Dispatch.WriteAsync(Unit(message, partition: 0)));

        Assert.Equal(2, (await Webhooks.ReadEventsAsync("tenant", 0, 0, 10)).Count);
        Assert.Empty(await Webhooks.ReadOutboxAsync(0));
    }

    [Fact]
    public async Task Lanes_writing_units_into_one_partition_at_once_get_gapless_numbers()
    {
        const int Lanes = 8;
        const int PerLane = 20;
        await AllAtOnceAsync(Lanes, async lane =>
        {
            for (var i = 0; i < PerLane; i++)
            {
                var writes = new DispatchWrites(3);
                writes.Publish(new WebhookEvent($"evt_{lane}_{i}", "message.status", "tenant", "cnv_" + lane, T0, "{}"u8.ToArray()), T0);
                await Dispatch.WriteAsync(writes);
            }

            return lane;
        });

        var events = await Webhooks.ReadEventsAsync("tenant", 3, 0, Lanes * PerLane + 1);
        Assert.Equal(Enumerable.Range(1, Lanes * PerLane).Select(s => (long)s), events.Select(e => e.Seq));
        foreach (var lane in events.GroupBy(e => e.ConversationId))
        {
            // Each lane's events in the order it wrote them.
            Assert.Equal(lane.OrderBy(e => int.Parse(e.Id.Split('_')[2], System.Globalization.CultureInfo.InvariantCulture)).Select(e => e.Id), lane.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task The_event_of_a_new_status_change_is_stored_numbered_and_once_dead_redelivered_by_its_id()
    {
        await Webhooks.PutSubscriptionAsync(new WebhookSubscription("tenant", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        var message = NewMessage("cnv_new");
        var writes = new DispatchWrites(partition: 2);
        writes.AppendStatus(message.Id, new StatusChange(MessageStatus.Queued, T0, 2));
        writes.PublishNew(new WebhookEvent("evt_new_queued", "message.status", "tenant", message.ConversationId, T0, Encoding.UTF8.GetBytes("{\"n\":1}")), T0);
        await Conversations.PutAcceptedAsync([message]);

        var entry = Assert.Single(await Dispatch.WriteAsync(writes));

        Assert.Equal((2, 1L, "evt_new_queued"), (entry.Partition, entry.EventSeq, entry.EventId));
        Assert.Equal(["evt_new_queued"], (await Webhooks.ReadEventsAsync("tenant", 2, 0, 10)).Select(e => e.Id));
        await Webhooks.DeadLetterAsync(new DeadLetter(entry, T0.AddHours(1), "gave up"));
        var again = await Webhooks.RedeliverAsync("tenant", "evt_new_queued", T0.AddHours(2));
        Assert.Equal((2, 1L, "evt_new_queued"), (again!.Partition, again.EventSeq, again.EventId));
    }

    private static DispatchWrites Unit(Message message, int partition)
    {
        var writes = new DispatchWrites(partition);
        writes.AppendToTimeline(new TimelineAppend(message, 1, new ConversationStats(1, 0, 1, T0)));
        writes.PutAccepted(message);
        writes.AppendStatus(message.Id, new StatusChange(MessageStatus.Queued, T0, 2));
        writes.PutHandoff(new ChannelHandoff(message.Id, T0, "prov-1"));
        var tag = message.ConversationId["cnv_".Length..];
        writes.Publish(new WebhookEvent($"evt_{tag}_1", "message.status", "tenant", message.ConversationId, T0, Encoding.UTF8.GetBytes("{\"n\":1}")), T0);
        writes.Publish(new WebhookEvent($"evt_{tag}_2", "message.status", "tenant", message.ConversationId, T0, Encoding.UTF8.GetBytes("{\"n\":2}")), T0);
        return writes;
    }

    private static Message NewMessage(string conversationId) => TestMessages.Outbound(conversationId, T0);
}
