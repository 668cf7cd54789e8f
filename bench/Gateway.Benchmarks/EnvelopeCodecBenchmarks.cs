using System.Buffers;
using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>Guards the cost of turning an accepted message into its log record value (the binary envelope layout) and back.</summary>
[MemoryDiagnoser]
public class EnvelopeCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private LogEnvelope _envelope = TypicalTraffic.Envelope();
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        _envelope = TypicalTraffic.Envelope();
        _encoded = LogEnvelopeCodec.EncodeValue(_envelope);
    }

    /// <summary>The hot-path overload: into a reused buffer, so only the encoder's own allocations show.</summary>
    [Benchmark]
    public int EncodeIntoBufferWriter()
    {
        _buffer.ResetWrittenCount();
        LogEnvelopeCodec.EncodeValue(_envelope, _buffer);
        return _buffer.WrittenCount;
    }

    /// <summary>The convenience overload, for comparison: it allocates the result array.</summary>
    [Benchmark]
    public byte[] EncodeToArray() => LogEnvelopeCodec.EncodeValue(_envelope);

    /// <summary>What dispatch does with every record it reads.</summary>
    [Benchmark]
    public LogEnvelope Decode() => LogEnvelopeCodec.DecodeValue(_encoded);
}
