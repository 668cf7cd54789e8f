using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbChannelAccountStoreTests : ChannelAccountStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbChannelAccountStoreTests() => Accounts = new RocksDbChannelAccountStore(_embedded.Database);

    protected override IChannelAccountStore Accounts { get; }

    public void Dispose() => _embedded.Dispose();
}
