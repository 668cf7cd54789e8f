namespace MessagingGateway.Core.Store;

/// <summary>A row of a conversation timeline: clustering sequence → message id.</summary>
public readonly record struct TimelineEntry(long Seq, Guid MessageId);
