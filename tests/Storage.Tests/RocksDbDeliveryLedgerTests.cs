using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbDeliveryLedgerTests : DeliveryLedgerContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private IDeliveryLedger? _store;

    protected override IDeliveryLedger Ledger => _store ??= new RocksDbDeliveryLedger(_embedded.Database);

    public void Dispose() => _embedded.Dispose();
}
