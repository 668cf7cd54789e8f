namespace MessagingGateway.Gateway.Tests;

// The same API and dispatch suites, with the log on Kafka (librdkafka's mock cluster in the
// gateway process, 3 brokers, replication 3) instead of the embedded RocksDB log.

public sealed class KafkaMessagesApiTests : MessagesApiTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}

public sealed class KafkaIdempotencyTests : IdempotencyTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}

public sealed class KafkaConversationsApiTests : ConversationsApiTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}

public sealed class KafkaDispatchTests : DispatchTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}

public sealed class KafkaWebhookTests : WebhookTests
{
    protected override string[] TransportArgs => KafkaArgs.DevCluster;
}

internal static class KafkaArgs
{
    public static readonly string[] DevCluster = ["--transport", "kafka", "--kafka-dev-cluster", "3"];
}
