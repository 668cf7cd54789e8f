namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="ConversationsApiTests"/> suite with the log on Kafka (a 3-broker mock cluster in the gateway process).</summary>
public sealed class KafkaConversationsApiTests : ConversationsApiTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}
