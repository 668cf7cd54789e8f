using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresChannelAccountStoreTests(PostgresDatabase database) : ChannelAccountStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IChannelAccountStore Accounts { get; } = new PostgresChannelAccountStore(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
