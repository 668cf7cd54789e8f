namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="AcceptAfterAppendTests"/> suite with the log on Kafka (a 3-broker mock cluster in the gateway process).</summary>
public sealed class KafkaAcceptAfterAppendTests : AcceptAfterAppendTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}
