namespace MessagingGateway.Transport.Kafka;

/// <summary>Settings of the Kafka transport (section <c>Kafka</c>, flags <c>--kafka-*</c>).</summary>
public sealed record KafkaLogOptions
{
    public required string BootstrapServers { get; init; }

    /// <summary>
    /// The topic of conversation records: outbound and inbound messages and receipts of a
    /// conversation share it (and so a partition), which is what keeps them in order.
    /// </summary>
    public string Topic { get; init; } = "mgw.conversations";

    /// <summary>Partitions when the topic is created; an existing topic must match (the key → partition map depends on it).</summary>
    public int Partitions { get; init; } = 16;

    /// <summary>Replicas when the topic is created (3 on a real cluster, so acks=all means something).</summary>
    public short ReplicationFactor { get; init; } = 1;

    /// <summary>How long a produce may take before the API answers 503 instead of 202.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string ClientId { get; init; } = "messaging-gateway";
}
