using MessagingGateway.Core.Payments;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbPaymentStoreTests : PaymentStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbPaymentStoreTests() => Payments = new RocksDbPaymentStore(_embedded.Database);

    protected override IPaymentStore Payments { get; }

    public void Dispose() => _embedded.Dispose();
}
