namespace MessagingGateway.Gateway.Tests;

/// <summary>Arguments that put a gateway's log on Kafka: one suite, two transports.</summary>
internal static class KafkaArgs
{
    public static readonly string[] DevCluster = ["--transport", "kafka", "--kafka-dev-cluster", "3"];

    /// <summary>A mock cluster in the test process (it outlives gateways) with the gateway's topics, replicated on every broker up to 3.</summary>
    public static Transport.Kafka.KafkaMockCluster ClusterWithTopics(int brokers)
    {
        var cluster = Transport.Kafka.KafkaMockCluster.Start(brokers);
        foreach (var topic in (string[])["mgw.outbound", "mgw.inbound", "mgw.events"])
        {
            cluster.CreateTopic(topic, 16, Math.Min(brokers, 3));
        }

        return cluster;
    }
}
