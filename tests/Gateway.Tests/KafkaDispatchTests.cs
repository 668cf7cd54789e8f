namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="DispatchTests"/> suite with the log on Kafka (a 3-broker mock cluster in the gateway process).</summary>
public sealed class KafkaDispatchTests : DispatchTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}
