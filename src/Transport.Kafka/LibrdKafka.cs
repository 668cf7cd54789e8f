using System.Reflection;
using System.Runtime.InteropServices;

namespace MessagingGateway.Transport.Kafka;

/// <summary>
/// The few librdkafka functions Confluent.Kafka does not wrap: its built-in mock cluster. They are
/// bound to the very library Confluent.Kafka loaded (found in the process's memory map), so the
/// mock cluster and the real clients share one librdkafka, whichever build the platform needed.
/// </summary>
internal static partial class LibrdKafka
{
    private const string Library = "librdkafka";

    static LibrdKafka()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibrdKafka).Assembly, Resolve);
    }

    /// <summary>Makes sure the resolver is in place before the first call.</summary>
    public static void Ensure() => Confluent.Kafka.Library.Load();

    [LibraryImport(Library)]
    public static partial nint rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static unsafe partial nint rd_kafka_new(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(nint mcluster, int delayMs);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_down(nint mcluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_up(nint mcluster, int brokerId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_leader(nint mcluster, string topic, int partition, int brokerId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library)]
    public static unsafe partial void rd_kafka_mock_push_request_errors_array(nint mcluster, short apiKey, nuint count, int* errors);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return 0;
        }

        Confluent.Kafka.Library.Load();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var path = line.IndexOf('/', StringComparison.Ordinal);
            if (path >= 0 && line.Contains("librdkafka", StringComparison.Ordinal))
            {
                return NativeLibrary.Load(line[path..].Trim());
            }
        }

        throw new DllNotFoundException("librdkafka is not loaded in this process; Confluent.Kafka could not load it.");
    }
}
