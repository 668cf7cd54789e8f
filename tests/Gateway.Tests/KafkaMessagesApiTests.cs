namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="MessagesApiTests"/> suite with the log on Kafka (a 3-broker mock cluster in the gateway process).</summary>
public sealed class KafkaMessagesApiTests : MessagesApiTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}
