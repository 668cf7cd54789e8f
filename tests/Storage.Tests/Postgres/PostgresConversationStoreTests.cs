using MessagingGateway.Core.Store;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresConversationStoreTests(PostgresDatabase database) : ConversationStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IConversationStore Store { get; } = new PostgresConversationStore(database.DataSource, time: new ManualClock(T0));

    public override Task InitializeAsync() => database.ResetAsync();
}
