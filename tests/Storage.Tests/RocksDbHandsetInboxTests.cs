using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbHandsetInboxTests : HandsetInboxContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();
    private IHandsetInbox? _store;

    protected override IHandsetInbox Inbox => _store ??= new RocksDbHandsetInbox(_embedded.Database);

    public void Dispose() => _embedded.Dispose();
}
