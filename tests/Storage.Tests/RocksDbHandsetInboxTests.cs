using MessagingGateway.Core.Channels;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbHandsetInboxTests : HandsetInboxContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbHandsetInboxTests() => Inbox = new RocksDbHandsetInbox(_embedded.Database);

    protected override IHandsetInbox Inbox { get; }

    public void Dispose() => _embedded.Dispose();
}
