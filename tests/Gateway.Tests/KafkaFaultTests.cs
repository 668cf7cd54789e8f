using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Confluent.Kafka;
using MessagingGateway.Core.Log;
using MessagingGateway.Dispatch;
using MessagingGateway.Transport.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>Faults injected into a (mock) Kafka cluster while the gateway runs on it.</summary>
public sealed class KafkaFaultTests
{
    private const string Topic = "mgw.outbound";

    /// <summary>For a group to settle: a few rebalances of the mock coordinator on a loaded machine.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

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
        var acknowledged = 0;
        var senders = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var ids = sent.GetOrAdd(Customer(100 + c), _ => []);
            for (var i = 0; i < 25; i++)
            {
                ids.Add(await SendWithRetryAsync(client, GatewayClient.SandboxText(Customer(100 + c), $"{c}/{i}")));
                Interlocked.Increment(ref acknowledged);
            }
        })).ToArray();

        // Each round of faults lands in the stream: it follows another eighth of the 200 sends.
        for (var round = 0; round < 3; round++)
        {
            var mark = Volatile.Read(ref acknowledged);
            await Eventually.HoldsAsync(
                () => Volatile.Read(ref acknowledged) >= mark + 25 || senders.All(s => s.IsCompleted),
                TimeSpan.FromSeconds(30),
                () => $"25 more sends acknowledged after {mark}");
            if (senders.All(s => s.IsCompleted))
            {
                break;
            }

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
        // A shorter session: the mock coordinator waits about this long for members to rejoin on every rebalance.
        await using var gateway = await StartAsync(cluster, "--Sandbox:ReceiptDelay=00:00:00.010", "--Gateway:KafkaSessionTimeout=00:00:06");
        using var client = gateway.Client();
        var second = ActivatorUtilities.CreateInstance<Dispatcher>(gateway.Services);
        var conversations = Enumerable.Range(0, 8).Select(c => new SentStream(Customer(200 + c))).ToArray();

        // A steady stream (a message per conversation every 100 ms) until the second member has
        // joined, worked and left: the phases below end on what happened, not after a time.
        using var stopSending = new CancellationTokenSource();
        var senders = conversations.Select((conversation, c) => Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                do
                {
                    var accepted = await client.SendAsync(GatewayClient.SandboxText(conversation.Address, $"{c}/{conversation.Count}"));
                    conversation.Add(accepted["conversationId"]!.GetValue<string>(), accepted["id"]!.GetValue<string>());
                }
                while (await pace.WaitForNextTickAsync(stopSending.Token));
            }
            catch (OperationCanceledException) when (stopSending.IsCancellationRequested)
            {
            }
        })).ToArray();

        try
        {
            await Eventually.HoldsAsync(() => conversations.All(c => c.Count >= 3), TimeSpan.FromSeconds(20), "three messages sent on every conversation");

            // A second member joins the group mid-stream, once the first owns every partition (the
            // partitions are split) ... The mock coordinator completes a sync with the leader's
            // SyncGroup, so a follower whose SyncGroup comes later is refused and joins again, which
            // starts another rebalance: joining a settled group can take a few, hence the patience.
            var first = gateway.Services.GetRequiredService<Dispatcher>();
            await Eventually.HoldsAsync(() => first.OwnedPartitions.Count == 16, Patience, "the first dispatcher owning every partition");
            await second.StartAsync(CancellationToken.None);
            await Eventually.HoldsAsync(() => second.OwnedPartitions.Count > 0, Patience, "the second dispatcher owning partitions");
            var owned = second.OwnedPartitions;
            Assert.Contains(conversations, c => owned.Contains(KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(c.ConversationId!), 16)));
            await DispatchedAfterAsync(client, conversations, "the second dispatcher joined");

            // ... works on its share of it, then leaves, and the first takes its partitions back.
            await second.StopAsync(CancellationToken.None);
            second.Dispose();
            await DispatchedAfterAsync(client, conversations, "the second dispatcher left");
        }
        finally
        {
            await stopSending.CancelAsync();
            await Task.WhenAll(senders);
        }

        foreach (var conversation in conversations)
        {
            var ids = conversation.Ids();
            await client.WaitForStatusAsync(ids[^1], "read", timeoutSeconds: 40);
            Assert.Equal(ids, (await client.HandsetInboxAsync(conversation.Address)).Select(m => m["messageId"]!.GetValue<string>()));
        }
    }

    /// <summary>
    /// Waits until, on every conversation, a message sent from now on has been dispatched: by then
    /// dispatch goes on on every partition, whichever member owns it.
    /// </summary>
    private static async Task DispatchedAfterAsync(GatewayClient client, SentStream[] conversations, string what)
    {
        var marks = conversations.Select(c => c.Count).ToArray();
        for (var i = 0; i < conversations.Length; i++)
        {
            var (conversation, mark) = (conversations[i], marks[i]);
            await Eventually.HoldsAsync(() => conversation.Count > mark, TimeSpan.FromSeconds(20), $"a message sent to {conversation.Address} after {what}");
            await client.WaitForStatusAsync(conversation.Ids()[mark], "queued", timeoutSeconds: 40);
        }
    }

    /// <summary>The ids of the messages sent on one conversation, in the order they were acknowledged.</summary>
    private sealed class SentStream(string address)
    {
        private readonly Lock _gate = new();
        private readonly List<string> _ids = [];

        public string Address => address;

        public string? ConversationId { get; private set; }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _ids.Count;
                }
            }
        }

        public void Add(string conversationId, string id)
        {
            lock (_gate)
            {
                ConversationId = conversationId;
                _ids.Add(id);
            }
        }

        public List<string> Ids()
        {
            lock (_gate)
            {
                return [.. _ids];
            }
        }
    }

    private static Task<InProcessGateway> StartAsync(KafkaMockCluster cluster, params string[] args) =>
        InProcessGateway.StartAsync(null, ["--transport", "kafka", "--kafka-bootstrap", cluster.BootstrapServers, .. args]);

    /// <summary>What a well-behaved client does with 503: retry until accepted (with an Idempotency-Key, so a retry is never a second message).</summary>
    private static async Task<string> SendWithRetryAsync(GatewayClient client, string body)
    {
        var key = Guid.NewGuid().ToString();
        string? id = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await client.PostJsonAsync("/v1/messages", body, idempotencyKey: key);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    id = (await GatewayClient.ReadJsonAsync(response))["id"]!.GetValue<string>();
                    return true;
                }

                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return false;
            },
            TimeSpan.FromSeconds(60),
            $"a 202 for the send with key {key}");
        return id!;
    }
}
