namespace MessagingGateway.Gateway.Tests;

/// <summary>Arguments that put a gateway's log on Kafka: one suite, two transports.</summary>
internal static class KafkaArgs
{
    public static readonly string[] DevCluster = ["--transport", "kafka", "--kafka-dev-cluster", "3"];
}
