using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class RocksDbHandsetInboxTests : HandsetInboxContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public RocksDbHandsetInboxTests() => Inbox = new RocksDbHandsetInbox(_embedded.Database);

    protected override IHandsetInbox Inbox { get; }

    [Fact]
    public async Task A_message_pending_in_a_data_folder_of_before_the_count_is_still_owed_its_receipts()
    {
        // Then the pending row held the inbox key and the inbox row the count, rewritten per receipt.
        var message = new HandsetMessage("+31611111111", Guid.NewGuid(), "t1", "cnv-t1", Channel.WhatsApp, "+31600000000", new MessageContent { Type = "text", Text = "old" }, T0, 3);
        await Inbox.ReceiveAsync(message);
        var db = _embedded.Database.Db;
        var id = StoreKeys.Message(message.MessageId);
        var inboxKey = db.Get(id, _embedded.Database.Family(EmbeddedDatabase.HandsetIdsFamily))!;
        db.Put(inboxKey, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message with { ReceiptsOwed = 2 }, Core.Serialization.CoreJsonContext.Default.HandsetMessage), _embedded.Database.Family(EmbeddedDatabase.HandsetInboxFamily));
        db.Put(id, inboxKey, _embedded.Database.Family(EmbeddedDatabase.HandsetPendingFamily));

        Assert.Equal(2, Assert.Single(await Inbox.ReadAwaitingReceiptsAsync()).ReceiptsOwed);
        Assert.Equal(2, Assert.Single(await Inbox.ReadAsync("t1", "+31611111111")).ReceiptsOwed);

        await Inbox.UpdateAsync([message with { ReceiptsOwed = 1 }]);
        Assert.Equal(1, Assert.Single(await Inbox.ReadAwaitingReceiptsAsync()).ReceiptsOwed);
        Assert.Equal(1, Assert.Single(await Inbox.ReadAsync("t1", "+31611111111")).ReceiptsOwed);
    }

    public void Dispose() => _embedded.Dispose();
}
