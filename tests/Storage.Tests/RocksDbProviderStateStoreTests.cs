using MessagingGateway.Core.Payments;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbProviderStateStoreTests : ProviderStateStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private IProviderStateStore? _store;

    protected override IProviderStateStore State => _store ??= new RocksDbProviderStateStore(_embedded.Database);

    public void Dispose() => _embedded.Dispose();
}
