using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbWebhookStoreTests : WebhookStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private RocksDbWebhookStore _store;

    public RocksDbWebhookStoreTests() => _store = new RocksDbWebhookStore(_embedded.Database);

    protected override IWebhookStore Store => _store;

    public void Dispose() => _embedded.Dispose();

    [Fact]
    public async Task An_endpoint_and_the_stream_position_survive_a_reopen()
    {
        await _store.PutSubscriptionAsync(new WebhookSubscription("t1", "http://127.0.0.1:9/hook", ["whsec_x"], T0));
        await _store.PublishAsync(Event("evt_1"), T0);

        _store = new RocksDbWebhookStore(_embedded.Reopen());

        Assert.Equal("http://127.0.0.1:9/hook", (await _store.GetSubscriptionAsync("t1"))?.Url);
        var entry = await _store.PublishAsync(Event("evt_2"), T0);
        Assert.Equal(2L, entry?.EventSeq);
        Assert.Null(await _store.GetSubscriptionAsync("t2"));
    }
}
