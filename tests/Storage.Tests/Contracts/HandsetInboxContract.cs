using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IHandsetInbox"/> does: per-tenant inboxes in arrival order, each message once.</summary>
public abstract class HandsetInboxContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IHandsetInbox Inbox { get; }

    [Fact]
    public async Task A_message_is_received_once_and_a_repeated_delivery_is_refused()
    {
        var message = Handset("t1", "+31611111111", "hello", T0, receiptsOwed: 3);

        Assert.True(await Inbox.ReceiveAsync(message));
        Assert.False(await Inbox.ReceiveAsync(message with { ReceivedAt = T0.AddSeconds(1), Content = Text("again") }));

        var received = Assert.Single(await Inbox.ReadAsync("t1", "+31611111111"));
        AssertSame(message, received);
    }

    [Fact]
    public async Task Handsets_belong_to_a_tenant_and_an_address()
    {
        await Inbox.ReceiveAsync(Handset("t1", "+31611111111", "a", T0));
        await Inbox.ReceiveAsync(Handset("t2", "+31611111111", "b", T0));
        await Inbox.ReceiveAsync(Handset("t1", "+316111111110", "c", T0));

        Assert.Equal(["a"], (await Inbox.ReadAsync("t1", "+31611111111")).Select(m => m.Content.Text));
        Assert.Equal(["b"], (await Inbox.ReadAsync("t2", "+31611111111")).Select(m => m.Content.Text));
        Assert.Equal(["c"], (await Inbox.ReadAsync("t1", "+316111111110")).Select(m => m.Content.Text));
        Assert.Empty(await Inbox.ReadAsync("t3", "+31611111111"));
    }

    [Fact]
    public async Task An_inbox_lists_messages_in_the_order_they_arrived()
    {
        // The handset's clock may disagree with the order of arrival; arrival wins.
        await Inbox.ReceiveAsync(Handset("t1", "+31611111111", "first", T0.AddSeconds(5)));
        await Inbox.ReceiveAsync(Handset("t1", "+31611111111", "second", T0));
        await Inbox.ReceiveAsync(Handset("t1", "+31611111111", "third", T0));

        Assert.Equal(["first", "second", "third"], (await Inbox.ReadAsync("t1", "+31611111111")).Select(m => m.Content.Text));
    }

    [Fact]
    public async Task An_update_overwrites_what_the_handset_has_and_skips_what_it_never_received()
    {
        var message = Handset("t1", "+31611111111", "hello", T0, receiptsOwed: 3);
        await Inbox.ReceiveAsync(message);

        await Inbox.UpdateAsync([message with { ReceiptsOwed = 1 }, Handset("t1", "+31611111111", "never", T0, receiptsOwed: 2)]);
        await Inbox.UpdateAsync([]);

        var stored = Assert.Single(await Inbox.ReadAsync("t1", "+31611111111"));
        Assert.Equal(1, stored.ReceiptsOwed);
        Assert.Equal("hello", stored.Content.Text);
    }

    [Fact]
    public async Task Messages_owed_receipts_are_listed_until_the_last_is_reported()
    {
        var owed = Handset("t1", "+31611111111", "owed", T0, receiptsOwed: 2);
        var done = Handset("t2", "+31622222222", "done", T0, receiptsOwed: 0);
        await Inbox.ReceiveAsync(owed);
        await Inbox.ReceiveAsync(done);

        Assert.Equal([owed.MessageId], (await Inbox.ReadAwaitingReceiptsAsync()).Select(m => m.MessageId));

        await Inbox.UpdateAsync([owed with { ReceiptsOwed = 1 }]);
        Assert.Equal(1, Assert.Single(await Inbox.ReadAwaitingReceiptsAsync()).ReceiptsOwed);

        await Inbox.UpdateAsync([owed with { ReceiptsOwed = 0 }]);
        Assert.Empty(await Inbox.ReadAwaitingReceiptsAsync());
        Assert.Equal(0, Assert.Single(await Inbox.ReadAsync("t1", "+31611111111")).ReceiptsOwed);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_message_store_it_once()
    {
        var message = Handset("t1", "+31611111111", "hello", T0);

        var received = await AllAtOnceAsync(8, _ => Inbox.ReceiveAsync(message).AsTask());

        Assert.Single(received, r => r);
        Assert.Single(await Inbox.ReadAsync("t1", "+31611111111"));
    }

    private static HandsetMessage Handset(string tenant, string address, string text, DateTimeOffset at, int receiptsOwed = 0) =>
        new(address, Guid.NewGuid(), tenant, "cnv-" + tenant, Channel.WhatsApp, "+31600000000", Text(text), at, receiptsOwed);

    private static MessageContent Text(string text) => new() { Type = "text", Text = text };

    private static void AssertSame(HandsetMessage expected, HandsetMessage actual)
    {
        Assert.Equal(expected with { Content = actual.Content }, actual);
        Assert.Equal(expected.Content.Type, actual.Content.Type);
        Assert.Equal(expected.Content.Text, actual.Content.Text);
    }
}
