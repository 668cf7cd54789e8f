using Xunit.Abstractions;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Two gateway processes on one Kafka cluster (in the test process, so it outlives them) and one
/// PostgreSQL store, and one of them dies without warning.
/// </summary>
public sealed class TwoNodeFaultTests(ITestOutputHelper output)
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Dispatching = "Dispatching";
    private const string HandedOver = "Handed over";

    /// <summary>Partition hand-overs wait for the killed node's Kafka session to time out, and the mock cluster for rejoins.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Kill_9_of_one_node_under_load_the_other_takes_its_partitions_and_every_acknowledged_message_arrives_once_in_order()
    {
        using var cluster = KafkaArgs.ClusterWithTopics(1);
        await using var database = await NodesDatabase.CreateAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var folder = new TempDirectory();
        var tenantsFile = TestTenants.WriteFile(folder.Path);
        string[] settings =
        [
            "--transport", "kafka", "--kafka-bootstrap", cluster.BootstrapServers,
            "--store", "postgres", "--postgres", database.ConnectionString, .. AcknowledgedLoad.FastSettings,
        ];

        using var one = await GatewayProcess.StartAsync(Path.Combine(folder.Path, "one"), tenantsFile, settings);
        using var two = await GatewayProcess.StartAsync(Path.Combine(folder.Path, "two"), tenantsFile, settings);
        using var first = new GatewayClient(one.BaseAddress, TestTenants.AcmeKey);
        using var second = new GatewayClient(two.BaseAddress, TestTenants.AcmeKey);
        await first.ConfigureWebhookAsync(receiver.Url, Secret);

        // Both nodes dispatch their share before the load: the kill must take partitions from a working node.
        await Eventually.HoldsAsync(() => Dispatches(one) && Dispatches(two), Patience, "both nodes dispatching partitions of the group");

        using var load = new AcknowledgedLoad();
        using var stopOne = new CancellationTokenSource();
        using var stopTwo = new CancellationTokenSource();
        var throughOne = new List<Task>();
        var throughTwo = new List<Task>();
        for (var c = 0; c < 10; c++)
        {
            var address = "+316" + (16_000_000 + c);
            if (c % 2 == 0)
            {
                throughOne.Add(load.SendAsync(first, address, stopOne.Token));
            }
            else
            {
                throughTwo.Add(load.SendAsync(second, address, stopTwo.Token));
            }
        }

        await load.WaitForAsync(150, [.. throughOne, .. throughTwo]);
        Assert.True(Dispatches(one), "node 1 was not dispatching when killed:\n" + string.Join('\n', one.Output.TakeLast(40)));
        one.Kill();
        var twoLinesAtKill = two.Output.Count;
        await stopOne.CancelAsync();
        await Task.WhenAll(throughOne);

        // Node 2 goes on taking messages while node 1's partitions wait for its session to time out.
        var atKill = load.Count;
        await load.WaitForAsync(atKill + 50, throughTwo);
        await stopTwo.CancelAsync();
        await Task.WhenAll(throughTwo);
        Assert.True(load.Count > atKill, "node 2 acknowledged nothing after node 1 was killed");

        output.WriteLine($"{atKill} acknowledged when node 1 was killed, {load.Count} in all");
        await load.AssertEachArrivedOnceInOrderAsync(second, receiver, Patience);
        output.WriteLine($"node 2 on its partitions: {string.Join(" / ", two.Output.Where(line => line.Contains(Dispatching, StringComparison.Ordinal) || line.Contains(HandedOver, StringComparison.Ordinal)).Select(line => line.Trim()))}");
        Assert.Contains(two.Output.Skip(twoLinesAtKill), line => line.Contains(Dispatching, StringComparison.Ordinal));
    }

    /// <summary>Whether the node's latest word on its partitions is that it dispatches some (not that it handed them over).</summary>
    private static bool Dispatches(GatewayProcess node) =>
        node.Output.LastOrDefault(line => line.Contains(Dispatching, StringComparison.Ordinal) || line.Contains(HandedOver, StringComparison.Ordinal))
            ?.Contains(Dispatching, StringComparison.Ordinal) == true;
}
