using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Two gateway processes' worth of nodes on one Kafka cluster and one PostgreSQL store: whatever
/// node a request reaches, the answers are the same, and nothing is done twice.
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private Transport.Kafka.KafkaMockCluster? _cluster;
    private NodesDatabase? _database;

    private static string Customer(int n) => "+316" + (15_000_000 + n);

    public async Task InitializeAsync()
    {
        _database = await NodesDatabase.CreateAsync();
        _cluster = KafkaArgs.ClusterWithTopics(1);
    }

    public async Task DisposeAsync()
    {
        _cluster?.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Any_node_answers_the_same_and_nothing_is_done_twice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var one = await StartNodeAsync();
        await using var two = await StartNodeAsync();
        using var first = one.Client();
        using var second = two.Client();

        // Webhook settings made through node 1 hold on node 2.
        await first.ConfigureWebhookAsync(receiver.Url, Secret);
        using (var settings = await second.GetAsync("/v1/webhook"))
        {
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
            Assert.Equal(receiver.Url.ToString(), (await GatewayClient.ReadJsonAsync(settings))["url"]!.GetValue<string>());
        }

        // Sent through node 1, read through node 2, whichever node dispatched them.
        var ids = new List<string>();
        for (var c = 0; c < 12; c++)
        {
            var client = c % 2 == 0 ? first : second;
            ids.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(c), $"m{c}")))["id"]!.GetValue<string>());
        }

        foreach (var id in ids)
        {
            await second.WaitForStatusAsync(id, "read", timeoutSeconds: 60);
            await first.WaitForStatusAsync(id, "read", timeoutSeconds: 60);
        }

        // An Idempotency-Key retry through the other node replays the first node's answer.
        var body = GatewayClient.SandboxText(Customer(100), "once");
        using var original = await first.PostJsonAsync("/v1/messages", body, idempotencyKey: "two-nodes-retry");
        Assert.Equal(HttpStatusCode.Accepted, original.StatusCode);
        using var retry = await second.PostJsonAsync("/v1/messages", body, idempotencyKey: "two-nodes-retry");
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"), await retry.Content.ReadAsStringAsync());
        Assert.Equal(await original.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());

        // Concurrent duplicates through both nodes make one message.
        var duplicate = GatewayClient.SandboxText(Customer(101), "raced");
        var raced = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? first : second).PostJsonAsync("/v1/messages", duplicate, idempotencyKey: "two-nodes-race");
                return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
            }));
        var accepted = raced.Where(r => r.StatusCode == HttpStatusCode.Accepted).Select(r => JsonNode.Parse(r.Text)!["id"]!.GetValue<string>()).Distinct().ToList();
        Assert.Single(accepted);
        Assert.All(raced, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"{r.StatusCode} {r.Text}"));
        await second.WaitForStatusAsync(accepted[0], "read", timeoutSeconds: 60);
        Assert.Single(await first.HandsetInboxAsync(Customer(101)));

        // The event stream reads the same through both nodes: gapless, each event once, in conversation order.
        var expected = (ids.Count + 2) * 4;
        await Eventually.HoldsAsync(async () => (await first.ReadEventsAsync()).Count == expected, TimeSpan.FromSeconds(30), "every status event");
        var viaOne = await first.ReadEventsAsync();
        var viaTwo = await second.ReadEventsAsync();
        Assert.Equal(viaOne.Select(e => e["id"]!.GetValue<string>()), viaTwo.Select(e => e["id"]!.GetValue<string>()));
        Assert.Equal(expected, viaOne.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());
        foreach (var message in viaOne.GroupBy(e => e["data"]!["messageId"]!.GetValue<string>()))
        {
            var seqs = message.Select(e => e["data"]!["seq"]!.GetValue<long>()).ToList();
            Assert.Equal(seqs.Order(), seqs);
        }

        // Every event reaches the endpoint, from whichever node owns its partition.
        var eventIds = viaOne.Select(e => e["id"]!.GetValue<string>()).ToHashSet();
        await receiver.WaitForAsync(received => eventIds.IsSubsetOf(received.Select(w => w.Id!)), TimeSpan.FromSeconds(30));

        // The store's pool and statement latency are among the node's metrics.
        using var metrics = await second.GetAsync("/metrics");
        var exported = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("db_client_connection_count", exported);
        Assert.Contains("db_client_operation_duration", exported);
    }

    [Fact]
    public async Task A_handset_reply_through_either_node_joins_the_conversation_it_answers()
    {
        await using var one = await StartNodeAsync();
        await using var two = await StartNodeAsync();
        using var first = one.Client();
        using var second = two.Client();
        var customer = Customer(200);

        var sent = await first.SendAsync(GatewayClient.SandboxText(customer, "Wanneer mogen we bezorgen?"));
        var sentId = sent["id"]!.GetValue<string>();
        var conversation = sent["conversationId"]!.GetValue<string>();
        await second.WaitForStatusAsync(sentId, "read", timeoutSeconds: 60);

        // The handset answers through node 2, then through node 1: whichever node owns the
        // conversation's partition places both after the message they answer.
        var replies = new List<string>();
        foreach (var (client, text) in (IEnumerable<(GatewayClient, string)>)[(second, "Morgen na 12 uur graag"), (first, "Of overmorgen")])
        {
            using var response = await client.PostJsonAsync($"/sandbox/handsets/{customer}/reply", "{\"text\":\"" + text + "\"}");
            var reply = await GatewayClient.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, reply.ToJsonString());
            Assert.Equal(conversation, reply["conversationId"]!.GetValue<string>());
            replies.Add(reply["id"]!.GetValue<string>());
        }

        foreach (var reader in (GatewayClient[])[first, second])
        {
            var timeline = new List<JsonObject>();
            await Eventually.HoldsAsync(
                async () => (timeline = await reader.ReadTimelineAsync(conversation)).Count >= 3,
                TimeSpan.FromSeconds(60),
                "the message and both replies on the timeline");
            Assert.Equal([sentId, .. replies], timeline.Select(m => m["id"]!.GetValue<string>()));
            Assert.Equal(["outbound", "inbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
            Assert.Equal(["Morgen na 12 uur graag", "Of overmorgen"], timeline.Skip(1).Select(m => m["content"]!["text"]!.GetValue<string>()));
        }

        // One message.inbound event per reply, in the conversation, whichever node is asked.
        await Eventually.HoldsAsync(
            async () => (await first.ReadEventsAsync()).Count(e => e["type"]!.GetValue<string>() == "message.inbound") >= 2,
            TimeSpan.FromSeconds(30),
            "both message.inbound events");
        foreach (var reader in (GatewayClient[])[first, second])
        {
            var inbound = (await reader.ReadEventsAsync()).Where(e => e["type"]!.GetValue<string>() == "message.inbound").ToList();
            Assert.Equal(replies, inbound.Select(e => e["data"]!["messageId"]!.GetValue<string>()));
            Assert.All(inbound, e => Assert.Equal(conversation, e["conversationId"]!.GetValue<string>()));
        }
    }

    private Task<InProcessGateway> StartNodeAsync() => InProcessGateway.StartAsync(
        null,
        "--transport", "kafka", "--kafka-bootstrap", _cluster!.BootstrapServers,
        "--store", "postgres", "--postgres", _database!.ConnectionString,
        "--Sandbox:ReceiptDelay=00:00:00.010");
}
