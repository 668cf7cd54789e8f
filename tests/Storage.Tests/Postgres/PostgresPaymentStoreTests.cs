using MessagingGateway.Core.Payments;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

public sealed class PostgresPaymentStoreTests(PostgresDatabase database) : PaymentStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IPaymentStore Payments { get; } = new PostgresPaymentStore(database.DataSource);

    public override Task InitializeAsync() => database.ResetAsync();
}
