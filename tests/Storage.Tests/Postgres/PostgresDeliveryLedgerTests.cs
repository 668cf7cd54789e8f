using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresDeliveryLedgerTests(PostgresDatabase database) : DeliveryLedgerContract, IClassFixture<PostgresDatabase>
{
    protected override IDeliveryLedger Ledger { get; } = new PostgresDeliveryLedger(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
