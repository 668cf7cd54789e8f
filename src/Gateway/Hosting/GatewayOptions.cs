using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>Settings of the gateway (section <c>Gateway</c>, or the command-line flags in the README).</summary>
public sealed class GatewayOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Where the embedded log and store live (<c>--data-dir</c>).</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Partitions of the embedded log (<c>--partitions</c>); fixed once the data folder exists.</summary>
    public int Partitions { get; set; } = 16;

    /// <summary>Tenants and API keys (<c>--tenants-file</c>); the demo tenant by default.</summary>
    public string? TenantsFile { get; set; }

    /// <summary><c>embedded</c> (RocksDB log in the data folder) or <c>kafka</c> (<c>--transport</c>).</summary>
    public string Transport { get; set; } = "embedded";

    /// <summary>Kafka bootstrap servers (<c>--kafka-bootstrap host:port</c>).</summary>
    public string? KafkaBootstrap { get; set; }

    /// <summary>Start librdkafka's mock cluster with this many brokers in the process (<c>--kafka-dev-cluster N</c>).</summary>
    public int KafkaDevCluster { get; set; }

    /// <summary>Topic names are <c>&lt;prefix&gt;.outbound</c>, <c>.inbound</c> and <c>.events</c> (<c>--kafka-topic-prefix</c>).</summary>
    public string KafkaTopicPrefix { get; set; } = "mgw";

    /// <summary>Replicas for the topic when the gateway creates it (<c>--kafka-replication</c>).</summary>
    public short KafkaReplication { get; set; } = 1;

    /// <summary>How long Kafka may take to confirm a record before the API answers 503.</summary>
    public TimeSpan KafkaDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the group coordinator waits to hear from a dispatcher before moving its partitions.</summary>
    public TimeSpan KafkaSessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>embedded</c> (RocksDB in the data folder, this process's own) or <c>postgres</c> (a store
    /// shared by every node, <c>--store</c>).
    /// </summary>
    public string Store { get; set; } = "embedded";

    /// <summary>The Npgsql connection string of the shared store (<c>--postgres</c>); never logged.</summary>
    public string? Postgres { get; set; }

    /// <summary><c>all</c>, <c>gateway</c> (API only) or <c>dispatch</c> (consumers only) (<c>--role</c>).</summary>
    public string Role { get; set; } = "all";

    /// <summary>
    /// With the embedded log and dispatch in this process: accepted messages not yet dispatched
    /// before new sends wait (their append waits; nothing acknowledged is held; a batch waits up to
    /// 1 s, a single send 20 ms). 0 turns it off. Every message queued here is time added to each
    /// send's way to the handset: 1,000 is about 0.2 s at the standard machine's rate.
    /// </summary>
    public int MaxDispatchBacklog { get; set; } = 1_000;

    /// <summary>
    /// How long an <c>Idempotency-Key</c> is remembered after its first request (API.md: at least
    /// 24 h); afterwards the same key starts a new request.
    /// </summary>
    public TimeSpan IdempotencyRetention { get; set; } = RocksDbConversationStore.DefaultIdempotencyRetention;

    /// <summary>Open connections Kestrel keeps at once; more wait in the listen backlog (<c>--Gateway:MaxConnections</c>).</summary>
    public long MaxConnections { get; set; } = 1_000;

    /// <summary>
    /// Bytes of request bodies over 64 KiB held in memory at once across all connections; a body
    /// that would go over it is answered 503 (<c>--Gateway:MaxBufferedBodyBytes</c>).
    /// </summary>
    public long MaxBufferedBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest body of <c>POST /v1/messages</c>.</summary>
    public long MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Largest body of <c>POST /v1/messages/batch</c> (up to 1,000 messages).</summary>
    public long MaxBatchBytes { get; set; } = 8 * 1024 * 1024;
}
