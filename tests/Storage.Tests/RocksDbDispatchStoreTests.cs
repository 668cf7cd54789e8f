using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbDispatchStoreTests : DispatchStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbDispatchStoreTests()
    {
        var conversations = new RocksDbConversationStore(_embedded.Database, TimeSpan.FromHours(24), TimeProvider.System);
        var ledger = new RocksDbDeliveryLedger(_embedded.Database);
        var webhooks = new RocksDbWebhookStore(_embedded.Database);
        (Conversations, Ledger, Webhooks) = (conversations, ledger, webhooks);
        Dispatch = new RocksDbDispatchStore(_embedded.Database, conversations, ledger, webhooks);
    }

    protected override IDispatchStore Dispatch { get; }

    protected override IConversationStore Conversations { get; }

    protected override IDeliveryLedger Ledger { get; }

    protected override IWebhookStore Webhooks { get; }

    public void Dispose() => _embedded.Dispose();
}
