namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="IdempotencyTests"/> suite with the log on Kafka (a 3-broker mock cluster in the gateway process).</summary>
public sealed class KafkaIdempotencyTests : IdempotencyTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}
