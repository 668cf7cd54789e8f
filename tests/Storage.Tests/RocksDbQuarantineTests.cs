using MessagingGateway.Core.Log;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbQuarantineTests : QuarantineContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbQuarantineTests() => Quarantine = new RocksDbQuarantine(_embedded.Database);

    protected override IQuarantine Quarantine { get; }

    public void Dispose() => _embedded.Dispose();
}
