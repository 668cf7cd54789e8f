using MessagingGateway.Core.Payments;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresProviderStateStoreTests(PostgresDatabase database) : ProviderStateStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IProviderStateStore State { get; } = new PostgresProviderStateStore(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
