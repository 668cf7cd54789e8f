using System.Text;
using Confluent.Kafka;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Gateway.Tests;

/// <summary>What lands on which Kafka topic, read back with a plain Kafka consumer.</summary>
public sealed class KafkaTopicsTests
{
    [Fact]
    public async Task Outbound_inbound_and_events_topics_hold_a_conversation_on_one_partition()
    {
        using var cluster = KafkaArgs.ClusterWithTopics(1);
        await using var gateway = await InProcessGateway.StartAsync(null, "--transport", "kafka", "--kafka-bootstrap", cluster.BootstrapServers, "--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        var customer = "+31616000001";
        var accepted = await client.SendAsync(GatewayClient.SandboxText(customer, "via topics"));
        var conversationId = accepted["conversationId"]!.GetValue<string>();
        await client.WaitForStatusAsync(accepted["id"]!.GetValue<string>(), "read");
        using var handset = gateway.Client();
        using (var reply = await handset.PostJsonAsync($"/sandbox/handsets/{customer}/reply", """{ "text": "ok" }"""))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, reply.StatusCode);
        }

        await client.WaitForTimelineAsync(conversationId, 2);
        var expectedPartition = KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(conversationId), 16);
        var mine = (List<ConsumeResult<byte[], byte[]>> records) => records.Where(r => Encoding.UTF8.GetString(r.Message.Key) == conversationId).ToList();

        // Every record of the conversation is on the log topics by now: the message was appended
        // before its 202, and the receipts and the reply before they were applied (read reached,
        // the reply on the timeline). So reading up to the end of each partition sees them all.
        var sent = Assert.Single(mine(ReadAll(cluster, "mgw.outbound")));
        Assert.Equal(expectedPartition, sent.Partition.Value);
        Assert.Equal(accepted["id"]!.GetValue<string>(), LogEnvelopeCodec.DecodeValue(sent.Message.Value).Message!.Id.ToString());

        var back = mine(ReadAll(cluster, "mgw.inbound"));
        Assert.Equal(4, back.Count); // three receipts and the reply
        Assert.All(back, r => Assert.Equal(expectedPartition, r.Partition.Value));

        // An event is mirrored to its topic only after it is stored: wait for the stream to hold all
        // five (each is stored with the status or message that causes it, and nothing follows the
        // reply), then for the topic to catch up with the stream.
        HashSet<string> streamIds = [];
        await Eventually.HoldsAsync(
            async () => (streamIds = (await client.ReadEventsAsync()).Select(e => e["id"]!.GetValue<string>()).ToHashSet()).Count >= 5,
            TimeSpan.FromSeconds(20),
            () => $"five events in the stream (it holds {streamIds.Count})");
        Assert.Equal(5, streamIds.Count); // queued, sent, delivered, read, inbound
        HashSet<string> topicIds = [];
        await Eventually.HoldsAsync(
            () => streamIds.IsSubsetOf(topicIds = mine(ReadAll(cluster, "mgw.events")).Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Message.Value)!["id"]!.GetValue<string>()).ToHashSet()),
            TimeSpan.FromSeconds(20),
            "the stream's events on the events topic");
        Assert.Equal(streamIds, topicIds);
    }

    /// <summary>Every record of <paramref name="topic"/> up to the end of each partition as it is now (its high watermark).</summary>
    private static List<ConsumeResult<byte[], byte[]>> ReadAll(Transport.Kafka.KafkaMockCluster cluster, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        var ends = Enumerable.Range(0, 16).ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        var next = ends.Keys.ToDictionary(p => p, _ => 0L);
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ends.Any(end => next[end.Key] < end.Value))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{topic} was not read to its end within 20 s");
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
                next[record.Partition.Value] = record.Offset.Value + 1;
            }
        }

        return records;
    }
}
