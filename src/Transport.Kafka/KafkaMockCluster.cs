using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace MessagingGateway.Transport.Kafka;

/// <summary>
/// librdkafka's mock Kafka cluster: real brokers speaking the Kafka protocol on 127.0.0.1, inside
/// this process, with fault injection. For tests and the dev mode (<c>--kafka-dev-cluster N</c>).
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private readonly nint _handle;
    private readonly nint _cluster;
    private int _disposed;

    private KafkaMockCluster(nint handle, nint cluster, int brokerCount)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(LibrdKafka.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster has no bootstrap address.");
    }

    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    public static unsafe KafkaMockCluster Start(int brokerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(brokerCount);
        LibrdKafka.Ensure();
        const int errorSize = 512;
        var error = stackalloc byte[errorSize];
        var conf = LibrdKafka.rd_kafka_conf_new();
        LibrdKafka.rd_kafka_conf_set(conf, "log_level", "3", error, errorSize);
        var handle = LibrdKafka.rd_kafka_new(0, conf, error, errorSize); // a producer handle only hosts the cluster
        if (handle == 0)
        {
            throw new InvalidOperationException("librdkafka could not create a client: " + Marshal.PtrToStringUTF8((nint)error));
        }

        var cluster = LibrdKafka.rd_kafka_mock_cluster_new(handle, brokerCount);
        if (cluster == 0)
        {
            LibrdKafka.rd_kafka_destroy(handle);
            throw new InvalidOperationException("librdkafka could not start a mock cluster.");
        }

        return new KafkaMockCluster(handle, cluster, brokerCount);
    }

    public void CreateTopic(string topic, int partitions, int replicationFactor) =>
        Check(LibrdKafka.rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor));

    /// <summary>
    /// How long the first member of an empty group waits for others before the group forms
    /// (the broker's <c>group.initial.rebalance.delay.ms</c>; 3 s unless set).
    /// </summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay) =>
        LibrdKafka.rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, (int)delay.TotalMilliseconds);

    /// <summary>Broker ids run from 1 to <see cref="BrokerCount"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(LibrdKafka.rd_kafka_mock_broker_set_down(_cluster, brokerId));

    public void SetBrokerUp(int brokerId) => Check(LibrdKafka.rd_kafka_mock_broker_set_up(_cluster, brokerId));

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(LibrdKafka.rd_kafka_mock_partition_set_leader(_cluster, topic, partition, brokerId));

    /// <summary>The next requests of <paramref name="apiKey"/> (0 = Produce, 1 = Fetch, …) fail with these errors, one each.</summary>
    public unsafe void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        var codes = new int[errors.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            codes[i] = (int)errors[i];
        }

        fixed (int* first = codes)
        {
            LibrdKafka.rd_kafka_mock_push_request_errors_array(_cluster, apiKey, (nuint)codes.Length, first);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            LibrdKafka.rd_kafka_mock_cluster_destroy(_cluster);
            LibrdKafka.rd_kafka_destroy(_handle);
        }
    }

    private static void Check(int error)
    {
        if (error != 0)
        {
            throw new KafkaException((ErrorCode)error);
        }
    }
}
