using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IChannelAccountStore"/> does: one tenant per account id on a channel, found by id and by sender.</summary>
public abstract class ChannelAccountStoreContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IChannelAccountStore Accounts { get; }

    [Fact]
    public async Task An_account_is_found_by_its_id_and_by_its_tenant_and_sender()
    {
        var account = Account("t1", Channel.WhatsApp, "pn-1", "+31612345678");

        Assert.True(await Accounts.PutAsync(account));

        AssertSame(account, await Accounts.GetAsync(Channel.WhatsApp, "pn-1"));
        AssertSame(account, await Accounts.FindBySenderAsync("t1", Channel.WhatsApp, "+31612345678"));
        Assert.Null(await Accounts.GetAsync(Channel.Messenger, "pn-1"));
        Assert.Null(await Accounts.FindBySenderAsync("t2", Channel.WhatsApp, "+31612345678"));
        Assert.Null(await Accounts.FindBySenderAsync("t1", Channel.Sms, "+31612345678"));
    }

    [Fact]
    public async Task Another_tenant_cannot_take_an_account_id_held_on_the_channel()
    {
        var held = Account("t1", Channel.WhatsApp, "pn-1", "+31612345678");
        await Accounts.PutAsync(held);

        Assert.False(await Accounts.PutAsync(Account("t2", Channel.WhatsApp, "pn-1", "+31600000000")));

        AssertSame(held, await Accounts.GetAsync(Channel.WhatsApp, "pn-1"));
        Assert.Empty(await Accounts.ListAsync("t2"));
        Assert.Null(await Accounts.FindBySenderAsync("t2", Channel.WhatsApp, "+31600000000"));
        Assert.True(await Accounts.PutAsync(Account("t2", Channel.Telegram, "pn-1", "@shop_bot")));
    }

    [Fact]
    public async Task Putting_an_account_again_replaces_it_and_a_new_sender_moves_it()
    {
        await Accounts.PutAsync(Account("t1", Channel.WhatsApp, "pn-1", "+31612345678"));
        var moved = Account("t1", Channel.WhatsApp, "pn-1", "+31687654321", token: "new") with { UpdatedAt = T0.AddHours(1) };

        Assert.True(await Accounts.PutAsync(moved));

        AssertSame(moved, await Accounts.GetAsync(Channel.WhatsApp, "pn-1"));
        AssertSame(moved, await Accounts.FindBySenderAsync("t1", Channel.WhatsApp, "+31687654321"));
        Assert.Null(await Accounts.FindBySenderAsync("t1", Channel.WhatsApp, "+31612345678"));
        AssertSame(moved, Assert.Single(await Accounts.ListAsync("t1")));
    }

    [Fact]
    public async Task A_tenant_lists_its_accounts_by_channel_then_sender()
    {
        await Accounts.PutAsync(Account("t1", Channel.WhatsApp, "pn-2", "+31622222222"));
        await Accounts.PutAsync(Account("t1", Channel.Telegram, "bot-1", "@shop_bot"));
        await Accounts.PutAsync(Account("t1", Channel.WhatsApp, "pn-1", "+31611111111"));
        await Accounts.PutAsync(Account("t10", Channel.WhatsApp, "pn-3", "+31633333333"));

        Assert.Equal(["bot-1", "pn-1", "pn-2"], (await Accounts.ListAsync("t1")).Select(a => a.AccountId));
        Assert.Equal(["pn-3"], (await Accounts.ListAsync("t10")).Select(a => a.AccountId));
        Assert.Empty(await Accounts.ListAsync("t"));
    }

    [Fact]
    public async Task Only_the_tenant_holding_an_account_deletes_it()
    {
        await Accounts.PutAsync(Account("t1", Channel.WhatsApp, "pn-1", "+31612345678"));

        Assert.False(await Accounts.DeleteAsync("t2", Channel.WhatsApp, "pn-1"));
        Assert.False(await Accounts.DeleteAsync("t1", Channel.Messenger, "pn-1"));
        Assert.NotNull(await Accounts.GetAsync(Channel.WhatsApp, "pn-1"));

        Assert.True(await Accounts.DeleteAsync("t1", Channel.WhatsApp, "pn-1"));
        Assert.Null(await Accounts.GetAsync(Channel.WhatsApp, "pn-1"));
        Assert.Null(await Accounts.FindBySenderAsync("t1", Channel.WhatsApp, "+31612345678"));
        Assert.Empty(await Accounts.ListAsync("t1"));
        Assert.False(await Accounts.DeleteAsync("t1", Channel.WhatsApp, "pn-1"));

        Assert.True(await Accounts.PutAsync(Account("t2", Channel.WhatsApp, "pn-1", "+31600000000")));
    }

    [Fact]
    public async Task Of_tenants_putting_one_account_id_at_once_exactly_one_gets_it()
    {
        var results = await AllAtOnceAsync(8, async i => (Tenant: "t" + i, Won: await Accounts.PutAsync(Account("t" + i, Channel.WhatsApp, "pn-1", "+3161234567" + i))));

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal(winner.Tenant, (await Accounts.GetAsync(Channel.WhatsApp, "pn-1"))!.TenantId);
        foreach (var (tenant, won) in results)
        {
            Assert.Equal(won ? 1 : 0, (await Accounts.ListAsync(tenant)).Count);
        }
    }

    protected static ChannelAccount Account(string tenant, Channel channel, string accountId, string sender, string token = "secret") =>
        new(tenant, channel, accountId, sender, new Dictionary<string, string> { ["accessToken"] = token, ["phoneNumberId"] = accountId }, T0);

    private static void AssertSame(ChannelAccount expected, ChannelAccount? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Settings = actual.Settings }, actual);
        Assert.Equal(expected.Settings.OrderBy(s => s.Key), actual.Settings.OrderBy(s => s.Key));
    }
}
