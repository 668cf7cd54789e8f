using MessagingGateway.Core.Payments;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbProviderStateStoreTests : ProviderStateStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbProviderStateStoreTests() => State = new RocksDbProviderStateStore(_embedded.Database);

    protected override IProviderStateStore State { get; }

    public void Dispose() => _embedded.Dispose();
}
