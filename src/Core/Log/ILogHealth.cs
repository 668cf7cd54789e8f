namespace MessagingGateway.Core.Log;

/// <summary>
/// Whether the log has failed beyond retrying, e.g. a Kafka client raised a fatal error. Until the
/// process restarts, readiness fails and appends are refused. A passing outage is not a fault: an
/// append reports it by failing, and a later one may succeed.
/// </summary>
public interface ILogHealth
{
    /// <summary>A short, stable reason (e.g. <c>kafka-fatal</c>) once the log can take no more writes; null while it can.</summary>
    string? Fault { get; }
}
