using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Moves events stored before streams were numbered per log partition (one sequence per tenant)
/// into their partition's stream: each goes to its conversation's partition, numbered there in
/// its old order, and its outbox entry or dead letter moves with it. One atomic write, once per
/// data folder (a marker says it is done), so nothing acknowledged to a business is lost.
/// </summary>
public static class EventStreamUpgrade
{
    private static readonly byte[] Marker = "events.per-partition"u8.ToArray();

    /// <returns>How many events moved.</returns>
    public static int Run(EmbeddedDatabase database, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(database);
        var meta = database.Family(EmbeddedDatabase.StoreMetaFamily);
        if (database.Db.Get(Marker, meta) is not null)
        {
            return 0;
        }

        var events = database.Family(EmbeddedDatabase.EventsFamily);
        var eventIds = database.Family(EmbeddedDatabase.EventIdsFamily);
        using var batch = new WriteBatch();
        var places = new Dictionary<(string Tenant, long OldSeq), (int Partition, long Seq)>();
        var next = new Dictionary<(string Tenant, int Partition), long>();
        using (var iterator = database.Db.NewIterator(events))
        {
            // Keys sort by tenant, then old sequence: each tenant's events come in their old order.
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                if (OldKey(iterator.GetKeySpan()) is not { } old)
                {
                    continue;
                }

                var webhookEvent = EventRowCodec.Decode(iterator.GetValueSpan());
                var partition = KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(webhookEvent.ConversationId), partitionCount);
                var seq = next[(old.Tenant, partition)] = next.GetValueOrDefault((old.Tenant, partition)) + 1;
                places[old] = (partition, seq);
                batch.Delete(iterator.Key(), events);
                batch.Put(StoreKeys.TenantPartitionSeq(old.Tenant, partition, seq), EventRowCodec.Encode(webhookEvent with { Seq = seq, Partition = partition }), events);
                var place = new byte[12];
                BinaryPrimitives.WriteInt32BigEndian(place, partition);
                BinaryPrimitives.WriteInt64BigEndian(place.AsSpan(4), seq);
                batch.Put(StoreKeys.TenantPrefixed(old.Tenant, Encoding.UTF8.GetBytes(webhookEvent.Id)), place, eventIds);
            }
        }

        Move(database, batch, EmbeddedDatabase.OutboxFamily, places, static (tenant, place) => StoreKeys.Outbox(place.Partition, tenant, place.Seq), static (row, place) =>
        {
            var entry = JsonSerializer.Deserialize(row, CoreJsonContext.Default.OutboxEntry)!;
            return JsonSerializer.SerializeToUtf8Bytes(entry with { Partition = place.Partition, EventSeq = place.Seq }, CoreJsonContext.Default.OutboxEntry);
        });
        Move(database, batch, EmbeddedDatabase.DeadLettersFamily, places, static (tenant, place) => StoreKeys.TenantPartitionSeq(tenant, place.Partition, place.Seq), static (row, place) =>
        {
            var dead = JsonSerializer.Deserialize(row, CoreJsonContext.Default.DeadLetter)!;
            return JsonSerializer.SerializeToUtf8Bytes(dead with { Entry = dead.Entry with { Partition = place.Partition, EventSeq = place.Seq } }, CoreJsonContext.Default.DeadLetter);
        });
        batch.Put(Marker, new byte[] { 1 }, meta);
        database.Db.Write(batch, database.SyncedWrite);
        return places.Count;
    }

    /// <summary>Rows of the outbox or dead letters, keyed by their event's old place, follow it to their new key.</summary>
    private static void Move(
        EmbeddedDatabase database,
        WriteBatch batch,
        string familyName,
        Dictionary<(string, long), (int Partition, long Seq)> places,
        Func<string, (int Partition, long Seq), byte[]> newKey,
        Func<byte[], (int Partition, long Seq), byte[]> rewrite)
    {
        var family = database.Family(familyName);
        using var iterator = database.Db.NewIterator(family);
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
        {
            if (OldKey(iterator.GetKeySpan()) is { } old && places.TryGetValue(old, out var place))
            {
                batch.Delete(iterator.Key(), family);
                batch.Put(newKey(old.Tenant, place), rewrite(iterator.Value(), place), family);
            }
        }
    }

    /// <summary>The tenant and sequence of a key in the old layout (tenant, 0, 8-byte sequence); null for the new one.</summary>
    private static (string Tenant, long OldSeq)? OldKey(ReadOnlySpan<byte> key)
    {
        var end = key.IndexOf((byte)0);
        return end >= 0 && key.Length - end - 1 == 8
            ? (Encoding.UTF8.GetString(key[..end]), StoreKeys.TrailingSeq(key))
            : null;
    }
}
