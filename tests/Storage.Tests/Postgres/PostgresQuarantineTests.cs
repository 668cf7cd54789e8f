using MessagingGateway.Core.Log;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresQuarantineTests(PostgresDatabase database) : QuarantineContract, IClassFixture<PostgresDatabase>
{
    protected override IQuarantine Quarantine { get; } = new PostgresQuarantine(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
