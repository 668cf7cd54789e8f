using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresHandsetInboxTests(PostgresDatabase database) : HandsetInboxContract, IClassFixture<PostgresDatabase>
{
    protected override IHandsetInbox Inbox { get; } = new PostgresHandsetInbox(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
