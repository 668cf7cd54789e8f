using MessagingGateway.Core.Log;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbQuarantineTests : QuarantineContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private IQuarantine? _store;

    protected override IQuarantine Quarantine => _store ??= new RocksDbQuarantine(_embedded.Database);

    public void Dispose() => _embedded.Dispose();
}
