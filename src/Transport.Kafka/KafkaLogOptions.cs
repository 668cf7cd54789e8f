namespace MessagingGateway.Transport.Kafka;

/// <summary>Settings of the Kafka transport (section <c>Kafka</c>, flags <c>--kafka-*</c>).</summary>
public sealed record KafkaLogOptions
{
    public required string BootstrapServers { get; init; }

    /// <summary>Outbound messages (what businesses send).</summary>
    public string OutboundTopic { get; init; } = "mgw.outbound";

    /// <summary>Inbound messages and receipts (what channels bring back).</summary>
    public string InboundTopic { get; init; } = "mgw.inbound";

    /// <summary>Business events (message.status, message.inbound, …), mirrored for other systems.</summary>
    public string EventsTopic { get; init; } = "mgw.events";

    /// <summary>
    /// Partitions of each topic when created; existing topics must match. Outbound and inbound
    /// must have the same count: a conversation then has the same partition in both, and one
    /// consumer owns both halves of it.
    /// </summary>
    public int Partitions { get; init; } = 16;

    /// <summary>Replicas when the topic is created (3 on a real cluster, so acks=all means something).</summary>
    public short ReplicationFactor { get; init; } = 1;

    /// <summary>How long a produce may take before the API answers 503 instead of 202.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string ClientId { get; init; } = "messaging-gateway";

    /// <summary>
    /// How long the group coordinator waits to hear from a consumer before giving its partitions to
    /// the others; consumers heartbeat every tenth of it. A real broker refuses less than its
    /// <c>group.min.session.timeout.ms</c> (6 s by default). The mock cluster also waits about this
    /// long for the members to rejoin on every rebalance, so tests on it run faster with less.
    /// </summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
