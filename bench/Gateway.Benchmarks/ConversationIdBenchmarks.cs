using BenchmarkDotNet.Attributes;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards the per-message cost of finding a message's place: the conversation id is derived (a
/// SHA-256 of tenant, channel and both addresses) for every accepted message, then its UTF-8 key
/// picks the log partition.
/// </summary>
[MemoryDiagnoser]
public class ConversationIdBenchmarks
{
    // Fields, not constants: the request's strings arrive at run time.
    private readonly string _tenantId = TypicalTraffic.TenantId;
    private readonly string _business = TypicalTraffic.Business;
    private readonly string _customer = TypicalTraffic.Customer;

    [Benchmark]
    public string DeriveConversationId() => ConversationKey.Derive(_tenantId, Channel.WhatsApp, _business, _customer);

    /// <summary>What <c>MessageIntake</c> and the log do per message: derive the id, encode the record key, partition it.</summary>
    [Benchmark]
    public int DeriveAndPartition()
    {
        var conversationId = ConversationKey.Derive(_tenantId, Channel.WhatsApp, _business, _customer);
        return KafkaPartitioner.PartitionFor(LogEnvelopeCodec.EncodeKey(conversationId), 16);
    }
}
