using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresWebhookStoreTests(PostgresDatabase database) : WebhookStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IWebhookStore Store { get; } = new PostgresWebhookStore(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
