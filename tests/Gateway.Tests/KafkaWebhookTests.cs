namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="WebhookTests"/> suite with the log on Kafka (a 3-broker mock cluster in the gateway process).</summary>
public sealed class KafkaWebhookTests : WebhookTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}
