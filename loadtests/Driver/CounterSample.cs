namespace MessagingGateway.Driver;

/// <summary>One line of metrics.tsv: the gateway's accepted and handed-over counters at one moment.</summary>
internal sealed record CounterSample(long EpochMs, double Accepted, double HandedOver);
