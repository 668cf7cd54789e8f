using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbConversationStoreTests : ConversationStoreContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbConversationStoreTests() => Store = new RocksDbConversationStore(_embedded.Database, time: new ManualClock(T0));

    protected override IConversationStore Store { get; }

    public void Dispose() => _embedded.Dispose();

    [Fact]
    public async Task Store_rows_survive_reopen()
    {
        var message = NewMessage("cnv-a");
        await Store.PutMessageAsync(message, [new(MessageStatus.Accepted, T0, 1)]);
        await Store.AppendToTimelineAsync(new TimelineAppend(message, 1, new ConversationStats(1, 1, 0, T0)));

        var store = new RocksDbConversationStore(_embedded.Reopen());

        Assert.Equal(1, (await store.GetMessageAsync(message.Id))!.ConversationSeq);
        Assert.Equal(message.Id, Assert.Single(await store.ReadTimelineAsync("cnv-a", 0, 10)).MessageId);
    }
}
