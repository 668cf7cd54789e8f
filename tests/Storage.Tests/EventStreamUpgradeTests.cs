using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

/// <summary>A data folder from before per-partition streams: its events, outbox and dead letters move, once, and nothing is lost.</summary>
public sealed class EventStreamUpgradeTests : IDisposable
{
    private const int Partitions = 4;
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly string[] Conversations = ["cnv_a", "cnv_b", "cnv_c", "cnv_d", "cnv_e", "cnv_f"];

    private readonly TempDirectory _directory = new();
    private readonly EmbeddedDatabase _database;

    public EventStreamUpgradeTests() => _database = EmbeddedDatabase.Open(_directory.Path);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Old_events_move_to_their_conversations_partition_in_their_old_order_with_their_outbox_entries_and_dead_letters()
    {
        // The old layout: one stream per tenant, keyed (tenant, sequence).
        for (var seq = 1; seq <= Conversations.Length; seq++)
        {
            PutOld("t1", seq, Conversations[seq - 1]);
        }

        PutOld("t2", 1, "cnv_a");
        var pending = OldEntry("t1", 2);
        _database.Db.Put(OldKey("t1", 2), JsonSerializer.SerializeToUtf8Bytes(pending, CoreJsonContext.Default.OutboxEntry), _database.Family(EmbeddedDatabase.OutboxFamily));
        var dead = new DeadLetter(OldEntry("t1", 3), T0, "HTTP 500");
        _database.Db.Put(OldKey("t1", 3), JsonSerializer.SerializeToUtf8Bytes(dead, CoreJsonContext.Default.DeadLetter), _database.Family(EmbeddedDatabase.DeadLettersFamily));

        Assert.Equal(Conversations.Length + 1, EventStreamUpgrade.Run(_database, Partitions));
        Assert.Equal(0, EventStreamUpgrade.Run(_database, Partitions)); // once

        var store = new RocksDbWebhookStore(_database);
        var moved = new List<WebhookEvent>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            var stream = await store.ReadEventsAsync("t1", partition, 0, 100);
            Assert.Equal(Enumerable.Range(1, stream.Count).Select(s => (long)s), stream.Select(e => e.Seq));
            Assert.All(stream, e => Assert.Equal(PartitionOf(e.ConversationId), e.Partition));
            Assert.Equal(stream.OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id), stream.Select(e => e.Id)); // old order kept
            moved.AddRange(stream);
        }

        Assert.Equal(Enumerable.Range(1, Conversations.Length).Select(Id), moved.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal("t2", (await store.ReadEventsAsync("t2", PartitionOf("cnv_a"), 0, 10)).Single().TenantId);

        var outbox = new List<OutboxEntry>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            outbox.AddRange(await store.ReadOutboxAsync(partition));
        }

        var entry = Assert.Single(outbox);
        Assert.Equal(PartitionOf(Conversations[1]), entry.Partition);
        Assert.Equal(Id(2), (await store.GetEventAsync("t1", entry.Partition, entry.EventSeq))!.Id);
        var letter = Assert.Single(await store.ReadDeadLettersAsync("t1", 0, 0, 10));
        Assert.Equal(Id(3), (await store.GetEventAsync("t1", letter.Entry.Partition, letter.Entry.EventSeq))!.Id);
        var redelivered = await store.RedeliverAsync("t1", Id(3), T0);
        Assert.Equal((letter.Entry.Partition, letter.Entry.EventSeq), (redelivered!.Partition, redelivered.EventSeq));

        // The moved streams go on where they stopped.
        var partitionOfA = PartitionOf("cnv_a");
        var before = (await store.ReadEventsAsync("t1", partitionOfA, 0, 100)).Count;
        await store.PublishAsync(new WebhookEvent("evt_new", "message.status", "t1", "cnv_a", T0, "{}"u8.ToArray(), Partition: partitionOfA), T0);
        Assert.Equal(before + 1, (await store.ReadEventsAsync("t1", partitionOfA, 0, 100)).Single(e => e.Id == "evt_new").Seq);
    }

    private static string Id(int seq) => "evt_" + seq.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    private static int PartitionOf(string conversationId) => KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(conversationId), Partitions);

    private void PutOld(string tenant, long seq, string conversation)
    {
        var webhookEvent = new WebhookEvent(Id((int)seq), "message.status", tenant, conversation, T0, "{}"u8.ToArray(), seq);
        _database.Db.Put(OldKey(tenant, seq), JsonSerializer.SerializeToUtf8Bytes(webhookEvent, CoreJsonContext.Default.WebhookEvent), _database.Family(EmbeddedDatabase.EventsFamily));
        var seqBytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(seqBytes, seq);
        _database.Db.Put(StoreKeys.TenantPrefixed(tenant, Encoding.UTF8.GetBytes(webhookEvent.Id)), seqBytes, _database.Family(EmbeddedDatabase.EventIdsFamily));
    }

    private static OutboxEntry OldEntry(string tenant, long seq) => new(tenant, 0, seq, Id((int)seq), Conversations[seq - 1], 1, T0, T0, null);

    private static byte[] OldKey(string tenant, long seq)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, seq);
        return StoreKeys.TenantPrefixed(tenant, bytes);
    }
}
