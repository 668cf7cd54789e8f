using MessagingGateway.Core.Payments;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbPaymentStoreTests : PaymentStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private IPaymentStore? _store;

    protected override IPaymentStore Payments => _store ??= new RocksDbPaymentStore(_embedded.Database);

    public void Dispose() => _embedded.Dispose();
}
