using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IDeliveryLedger"/> does: hand-overs, the provider id index, orphan receipts.</summary>
public abstract class DeliveryLedgerContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IDeliveryLedger Ledger { get; }

    [Fact]
    public async Task A_hand_over_round_trips_every_field_and_its_provider_id_finds_the_message()
    {
        var handoff = new ChannelHandoff(Guid.NewGuid(), T0, "wamid.1", SentAt: T0.AddSeconds(-1), StartedAt: T0.AddMilliseconds(-120));

        await Ledger.PutHandoffAsync(handoff);

        Assert.Equal(handoff, await Ledger.GetHandoffAsync(handoff.MessageId));
        Assert.Equal(handoff.MessageId, await Ledger.FindByProviderIdAsync("wamid.1"));
    }

    [Fact]
    public async Task Unknown_messages_and_provider_ids_find_nothing()
    {
        await Ledger.PutHandoffAsync(new ChannelHandoff(Guid.NewGuid(), T0, "wamid.1"));

        Assert.Null(await Ledger.GetHandoffAsync(Guid.NewGuid()));
        Assert.Null(await Ledger.FindByProviderIdAsync("wamid.2"));
        Assert.Null(await Ledger.FindByProviderIdAsync("wamid."));
    }

    [Fact]
    public async Task A_hand_over_without_a_provider_id_is_kept_and_indexes_nothing()
    {
        var handoff = new ChannelHandoff(Guid.NewGuid(), T0, null);

        await Ledger.PutHandoffAsync(handoff);

        Assert.Equal(handoff, await Ledger.GetHandoffAsync(handoff.MessageId));
        Assert.Null(await Ledger.FindByProviderIdAsync(""));
    }

    [Fact]
    public async Task A_hand_over_written_again_keeps_the_first_and_both_provider_ids_find_the_message()
    {
        // IF NOT EXISTS: the record says when the message first left for its channel.
        var messageId = Guid.NewGuid();
        var first = new ChannelHandoff(messageId, T0, "first");
        await Ledger.PutHandoffAsync(first);
        var second = new ChannelHandoff(messageId, T0.AddSeconds(5), "second", SentAt: T0.AddSeconds(5));

        await Ledger.PutHandoffAsync(second);

        Assert.Equal(first, await Ledger.GetHandoffAsync(messageId));
        Assert.Equal(messageId, await Ledger.FindByProviderIdAsync("first"));
        Assert.Equal(messageId, await Ledger.FindByProviderIdAsync("second"));
    }

    [Fact]
    public async Task Orphan_receipts_are_kept_once_per_message_and_status_and_taken_in_status_order()
    {
        var messageId = Guid.NewGuid();
        var other = Guid.NewGuid();
        await Ledger.RecordOrphanAsync(Receipt(messageId, MessageStatus.Read, T0.AddSeconds(3)));
        await Ledger.RecordOrphanAsync(Receipt(messageId, MessageStatus.Delivered, T0.AddSeconds(2)));
        await Ledger.RecordOrphanAsync(Receipt(messageId, MessageStatus.Delivered, T0.AddSeconds(2))); // the provider's retry
        await Ledger.RecordOrphanAsync(Receipt(other, MessageStatus.Failed, T0, "131026"));
        Assert.Equal(3, await Ledger.CountOrphansAsync());

        var taken = await Ledger.TakeOrphansAsync(messageId);

        Assert.Equal([Receipt(messageId, MessageStatus.Delivered, T0.AddSeconds(2)), Receipt(messageId, MessageStatus.Read, T0.AddSeconds(3))], taken);
        Assert.Empty(await Ledger.TakeOrphansAsync(messageId));
        Assert.Equal(1, await Ledger.CountOrphansAsync());
        Assert.Equal([Receipt(other, MessageStatus.Failed, T0, "131026")], await Ledger.TakeOrphansAsync(other));
        Assert.Equal(0, await Ledger.CountOrphansAsync());
    }

    [Fact]
    public async Task Taking_orphans_of_a_message_without_any_gives_none()
    {
        Assert.Empty(await Ledger.TakeOrphansAsync(Guid.NewGuid()));
        Assert.Equal(0, await Ledger.CountOrphansAsync());
    }

    private static StatusReceipt Receipt(Guid messageId, MessageStatus status, DateTimeOffset at, string? code = null) =>
        new(messageId, "tenant", "cnv-a", status, at, code);
}
