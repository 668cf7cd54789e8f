using System.Text;
using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Log;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>Guards the per-record cost of picking a partition: it runs once for every append.</summary>
[MemoryDiagnoser]
public class PartitionerBenchmarks
{
    private byte[] _key = [];

    [GlobalSetup]
    public void Setup()
    {
        _key = Encoding.UTF8.GetBytes(TypicalTraffic.ConversationId());
        if (_key.Length != 36)
        {
            throw new InvalidOperationException($"A conversation id is 36 bytes; this one has {_key.Length}.");
        }
    }

    [Benchmark]
    public int PartitionFor() => KafkaPartitioner.PartitionFor(_key, 16);
}
