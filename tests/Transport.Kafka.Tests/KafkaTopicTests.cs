using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using static MessagingGateway.Transport.Kafka.Tests.KafkaHarness;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>What the log checks when it starts: the cluster answers, the topics fit.</summary>
public sealed class KafkaTopicTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void An_existing_topic_with_another_partition_count_is_refused(int mismatched)
    {
        using var cluster = KafkaMockCluster.Start(1);
        var options = OptionsFor(cluster, partitions: 8);
        string[] topics = [options.OutboundTopic, options.InboundTopic, options.EventsTopic];
        for (var i = 0; i < topics.Length; i++)
        {
            cluster.CreateTopic(topics[i], i == mismatched ? 4 : 8, 1);
        }

        var error = Assert.Throws<InvalidOperationException>(() => new KafkaLog(options, NullLoggerFactory.Instance));

        Assert.Contains($"Topic {topics[mismatched]} has 4 partitions", error.Message, StringComparison.Ordinal);
        Assert.Contains("configured for 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_cluster_is_reported_within_the_metadata_timeout()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidOperationException>(
            () => new KafkaLog(new KafkaLogOptions { BootstrapServers = $"127.0.0.1:{port}" }, NullLoggerFactory.Instance));

        Assert.StartsWith($"Cannot reach Kafka at 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }
}
