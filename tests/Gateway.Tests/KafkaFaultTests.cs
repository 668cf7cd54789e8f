using System.Collections.Concurrent;
using System.Net;
using Confluent.Kafka;
using MessagingGateway.Dispatch;
using MessagingGateway.Transport.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>Faults injected into a (mock) Kafka cluster while the gateway runs on it.</summary>
public sealed class KafkaFaultTests
{
    private const string Topic = "mgw.outbound";

    private static string Customer(int n) => "+316" + (15_000_000 + n);

    [Fact]
    public async Task During_an_outage_requests_get_503_not_a_false_202_and_everything_acknowledged_arrives()
    {
        using var cluster = KafkaArgs.ClusterWithTopics(1);
        await using var gateway = await StartAsync(cluster, "--Gateway:KafkaDeliveryTimeout=00:00:02");
        using var client = gateway.Client();
        var before = await client.SendAsync(GatewayClient.SandboxText(Customer(1), "voor"));

        cluster.SetBrokerDown(1);
        using (var during = await client.PostJsonAsync("/v1/messages", GatewayClient.SandboxText(Customer(1), "tijdens")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.NotNull(during.Headers.RetryAfter);
        }

        cluster.SetBrokerUp(1);
        var after = await SendWithRetryAsync(client, GatewayClient.SandboxText(Customer(1), "na"));
        await client.WaitForStatusAsync(after, "read", timeoutSeconds: 30);
        var inbox = (await client.HandsetInboxAsync(Customer(1))).Select(m => m["messageId"]!.GetValue<string>()).ToList();
        Assert.Equal([before["id"]!.GetValue<string>(), after], inbox.Where(id => id == after || id == before["id"]!.GetValue<string>()));
        Assert.Equal(inbox.Count, inbox.Distinct().Count());
    }

    [Fact]
    public async Task Moving_leaders_and_failing_requests_lose_reorder_and_duplicate_nothing()
    {
        using var cluster = KafkaArgs.ClusterWithTopics(3);
        await using var gateway = await StartAsync(cluster);
        using var client = gateway.Client();
        var sent = new ConcurrentDictionary<string, List<string>>();
        var senders = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var ids = sent.GetOrAdd(Customer(100 + c), _ => []);
            for (var i = 0; i < 25; i++)
            {
                ids.Add(await SendWithRetryAsync(client, GatewayClient.SandboxText(Customer(100 + c), $"{c}/{i}")));
            }
        })).ToArray();

        for (var round = 0; round < 3 && !senders.All(s => s.IsCompleted); round++)
        {
            await Task.Delay(150);
            for (var p = 0; p < 16; p++)
            {
                cluster.SetPartitionLeader(Topic, p, ((p + round) % 3) + 1);
            }

            cluster.PushRequestErrors(0, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas);
        }

        await Task.WhenAll(senders);
        foreach (var (address, ids) in sent)
        {
            await client.WaitForStatusAsync(ids[^1], "read", timeoutSeconds: 30);
            Assert.Equal(ids, (await client.HandsetInboxAsync(address)).Select(m => m["messageId"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_second_dispatcher_joining_and_leaving_loses_and_duplicates_nothing_at_the_channel()
    {
        using var cluster = KafkaArgs.ClusterWithTopics(3);
        await using var gateway = await StartAsync(cluster, "--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        var second = ActivatorUtilities.CreateInstance<Dispatcher>(gateway.Services);
        var sent = new ConcurrentDictionary<string, List<string>>();
        var senders = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var ids = sent.GetOrAdd(Customer(200 + c), _ => []);
            for (var i = 0; i < 40; i++)
            {
                ids.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(200 + c), $"{c}/{i}")))["id"]!.GetValue<string>());
                await Task.Delay(10);
            }
        })).ToArray();

        // A second member joins the group mid-stream (the partitions are split), then leaves.
        await Task.Delay(300);
        await second.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (second.OwnedPartitions.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.NotEmpty(second.OwnedPartitions);
        await Task.Delay(500);
        await second.StopAsync(CancellationToken.None);
        second.Dispose();
        await Task.WhenAll(senders);

        foreach (var (address, ids) in sent)
        {
            await client.WaitForStatusAsync(ids[^1], "read", timeoutSeconds: 40);
            Assert.Equal(ids, (await client.HandsetInboxAsync(address)).Select(m => m["messageId"]!.GetValue<string>()));
        }
    }

    private static Task<InProcessGateway> StartAsync(KafkaMockCluster cluster, params string[] args) =>
        InProcessGateway.StartAsync(null, ["--transport", "kafka", "--kafka-bootstrap", cluster.BootstrapServers, .. args]);

    /// <summary>What a well-behaved client does with 503: retry (with an Idempotency-Key, so a retry is never a second message).</summary>
    private static async Task<string> SendWithRetryAsync(GatewayClient client, string body)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 0; ; attempt++)
        {
            using var response = await client.PostJsonAsync("/v1/messages", body, idempotencyKey: key);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return (await GatewayClient.ReadJsonAsync(response))["id"]!.GetValue<string>();
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 20, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(500);
        }
    }
}
