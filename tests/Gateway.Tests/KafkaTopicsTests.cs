using System.Text;
using Confluent.Kafka;
using MessagingGateway.Core.Log;

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
        await Task.Delay(300);
        var expectedPartition = KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(conversationId), 16);

        var outbound = ReadAll(cluster, "mgw.outbound");
        var inbound = ReadAll(cluster, "mgw.inbound");
        var events = ReadAll(cluster, "mgw.events");
        var mine = (List<ConsumeResult<byte[], byte[]>> records) => records.Where(r => Encoding.UTF8.GetString(r.Message.Key) == conversationId).ToList();

        var sent = Assert.Single(mine(outbound));
        Assert.Equal(expectedPartition, sent.Partition.Value);
        Assert.Contains(accepted["id"]!.GetValue<string>(), Encoding.UTF8.GetString(sent.Message.Value), StringComparison.Ordinal);

        var back = mine(inbound);
        Assert.Equal(4, back.Count); // three receipts and the reply
        Assert.All(back, r => Assert.Equal(expectedPartition, r.Partition.Value));

        var streamIds = (await client.ReadEventsAsync()).Select(e => e["id"]!.GetValue<string>()).ToHashSet();
        var topicIds = mine(events).Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Message.Value)!["id"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(5, streamIds.Count); // queued, sent, delivered, read, inbound
        Assert.Equal(streamIds, topicIds);
    }

    private static List<ConsumeResult<byte[], byte[]>> ReadAll(Transport.Kafka.KafkaMockCluster cluster, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, 16).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
                quietSince = DateTime.UtcNow;
            }
        }

        return records;
    }
}
