using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbDeliveryLedgerTests : DeliveryLedgerContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbDeliveryLedgerTests() => Ledger = new RocksDbDeliveryLedger(_embedded.Database);

    protected override IDeliveryLedger Ledger { get; }

    public void Dispose() => _embedded.Dispose();
}
