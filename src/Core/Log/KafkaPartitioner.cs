using System.Buffers.Binary;

namespace MessagingGateway.Core.Log;

/// <summary>
/// Kafka's default partitioner for keyed records: <c>toPositive(murmur2(key)) % partitions</c>,
/// bit for bit as the Java client (and librdkafka's <c>murmur2</c> partitioner) computes it, so the
/// embedded log and a Kafka topic put a conversation on the same partition.
/// </summary>
public static class KafkaPartitioner
{
    public static int PartitionFor(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        return (Murmur2(key) & 0x7fffffff) % partitionCount;
    }

    /// <summary>Kafka's <c>Utils.murmur2</c>: MurmurHash2, seed 0x9747b28c, little-endian blocks.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint M = 0x5bd1e995;
        const int R = 24;
        var length = data.Length;
        var h = 0x9747b28cu ^ (uint)length;

        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        var tail = data[(blocks * 4)..];
        switch (tail.Length)
        {
            case 3:
                h ^= (uint)tail[2] << 16;
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= M;
                break;
            case 2:
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= M;
                break;
            case 1:
                h ^= tail[0];
                h *= M;
                break;
            default:
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }
}
