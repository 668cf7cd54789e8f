using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresDispatchStoreTests(PostgresDatabase database) : DispatchStoreContract, IClassFixture<PostgresDatabase>
{
    private readonly PostgresWebhookStore _webhooks = new(database.DataSource);

    protected override IDispatchStore Dispatch => new PostgresDispatchStore(database.DataSource, _webhooks);

    protected override IConversationStore Conversations { get; } = new PostgresConversationStore(database.DataSource);

    protected override IDeliveryLedger Ledger { get; } = new PostgresDeliveryLedger(database.DataSource);

    protected override IWebhookStore Webhooks => _webhooks;

    public override Task InitializeAsync() => database.ResetAsync();
}
