namespace MessagingGateway.Core.Log;

/// <summary>
/// Which way a record travels: what businesses send (outbound messages) or what channels bring
/// back (inbound messages and receipts). On Kafka each is a topic; both are keyed and partitioned
/// by conversation, so partition p of both holds the same conversations and is read by one owner.
/// The embedded log keeps both in one stream.
/// </summary>
public enum LogStream
{
    Outbound = 0,
    Inbound = 1,
}
