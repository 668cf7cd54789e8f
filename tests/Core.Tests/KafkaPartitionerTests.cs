using System.Text;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Tests;

public class KafkaPartitionerTests
{
    // Vectors from Kafka's UtilsTest.testMurmur2: matching them keeps conversations on the same
    // partition whether the embedded log or a real Kafka topic is used.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_matches_kafka_vectors(string key, int expected)
    {
        Assert.Equal(expected, KafkaPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("21", -973932308, 16)]
    [InlineData("21", -973932308, 3)]
    [InlineData("foobar", -790332482, 16)]
    [InlineData("foobar", -790332482, 3)]
    [InlineData("a-little-bit-long-string", -985981536, 16)]
    [InlineData("a-little-bit-long-string", -985981536, 3)]
    [InlineData("a-little-bit-longer-string", -1486304829, 16)]
    [InlineData("a-little-bit-longer-string", -1486304829, 3)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 16)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 3)]
    [InlineData("abc", 479470107, 16)]
    [InlineData("abc", 479470107, 3)]
    public void PartitionFor_is_kafka_toPositive_modulo(string key, int murmur2, int partitions)
    {
        var expected = (murmur2 & 0x7fffffff) % partitions;

        Assert.Equal(expected, KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(key), partitions));
    }

    [Fact]
    public void PartitionFor_uses_toPositive_not_abs()
    {
        // Math.Abs would give a different answer for negative hashes: 973932308 % 16 = 4, but
        // Kafka masks the sign bit: (-973932308 & 0x7fffffff) % 16 = 12.
        Assert.Equal(12, KafkaPartitioner.PartitionFor("21"u8, 16));
    }

    [Fact]
    public void Same_conversation_always_maps_to_same_partition()
    {
        for (var i = 0; i < 200; i++)
        {
            var id = ConversationKey.Derive("tenant", Channel.WhatsApp, "+31612345678", "+3161234" + i.ToString("D4"));
            var first = KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(id), 16);
            var again = KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(new string(id.AsSpan())), 16);

            Assert.Equal(first, again);
            Assert.InRange(first, 0, 15);
        }
    }

    [Fact]
    public void Conversation_ids_spread_over_partitions()
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < 500; i++)
        {
            var id = ConversationKey.Derive("tenant", Channel.Sms, "Acme", "+3161234" + i.ToString("D4"));
            seen.Add(KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(id), 16));
        }

        Assert.Equal(16, seen.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void PartitionFor_rejects_non_positive_counts(int partitions)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaPartitioner.PartitionFor("abc"u8, partitions));
    }
}
