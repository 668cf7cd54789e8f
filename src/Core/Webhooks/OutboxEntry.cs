namespace MessagingGateway.Core.Webhooks;

/// <summary>An event still to be delivered to its tenant's endpoint, with its retry state; keyed like its event (tenant, partition, sequence).</summary>
public sealed record OutboxEntry(
    string TenantId,
    int Partition,
    long EventSeq,
    string EventId,
    string ConversationId,
    int Attempts,
    DateTimeOffset? FirstAttemptAt,
    DateTimeOffset NextAttemptAt,
    string? LastError);
