using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
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

    [Fact]
    public async Task Accepting_writes_one_row_per_message_its_accepted_status_carrying_the_log_record()
    {
        var message = NewMessage("cnv-one-row");
        var record = new LogRecord(LogEnvelopeCodec.EncodeKey(message.ConversationId), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message)));

        await Store.PutAcceptedAsync([message], [record]);

        var db = _embedded.Database.Db;
        Assert.Null(db.Get(message.Id.ToByteArray(bigEndian: true), _embedded.Database.Family(EmbeddedDatabase.MessagesFamily)));
        var statusRow = db.Get((byte[])[.. message.Id.ToByteArray(bigEndian: true), 0, 0, 0, 1], _embedded.Database.Family(EmbeddedDatabase.StatusesFamily));
        Assert.True(statusRow.AsSpan().EndsWith(record.Value.Span), "the accepted status row ends with the log record's bytes");
        var stored = (await Store.GetMessageAsync(message.Id))!;
        Assert.Equal(LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message)), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(stored.Message)));
        Assert.Equal(new StatusChange(MessageStatus.Accepted, message.AcceptedAt, 1), Assert.Single(stored.StatusHistory));
        Assert.True((await Store.GetPlacementAsync(message.Id, message.ConversationId)).IsStored);
    }

    [Fact]
    public async Task A_message_stored_before_its_status_carried_it_still_reads()
    {
        // The layout of before: the message in the messages family, its accepted status a row of its own.
        var message = NewMessage("cnv-two-rows");
        var db = _embedded.Database.Db;
        db.Put(message.Id.ToByteArray(bigEndian: true), MessageRowCodec.Encode(message), _embedded.Database.Family(EmbeddedDatabase.MessagesFamily));
        db.Put((byte[])[.. message.Id.ToByteArray(bigEndian: true), 0, 0, 0, 1], StatusRowCodec.Encode(new StatusChange(MessageStatus.Accepted, T0, 1)), _embedded.Database.Family(EmbeddedDatabase.StatusesFamily));
        await Store.AppendStatusAsync(message.Id, new StatusChange(MessageStatus.Queued, T0.AddSeconds(1), 2));

        var stored = (await Store.GetMessageAsync(message.Id))!;

        Assert.Equal(message.Id, stored.Message.Id);
        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued], stored.StatusHistory.Select(change => change.Status));
        Assert.Equal(2, (await Store.GetPlacementAsync(message.Id, message.ConversationId)).StatusHistory.Count);
        Assert.Null(await Store.GetMessageAsync(Guid.CreateVersion7()));
    }
}
