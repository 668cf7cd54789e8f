using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbChannelAccountStoreTests : ChannelAccountStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private IChannelAccountStore? _store;

    protected override IChannelAccountStore Accounts => _store ??= new RocksDbChannelAccountStore(_embedded.Database);

    public void Dispose() => _embedded.Dispose();
}
