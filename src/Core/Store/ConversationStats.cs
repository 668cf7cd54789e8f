namespace MessagingGateway.Core.Store;

/// <summary>Counters of a conversation's timeline; <see cref="LastSeq"/> is the highest timeline sequence.</summary>
public sealed record ConversationStats(long LastSeq, long Outbound, long Inbound, DateTimeOffset LastMessageAt)
{
    public static readonly ConversationStats Empty = new(0, 0, 0, DateTimeOffset.MinValue);
}
