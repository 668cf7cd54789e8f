using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>A new entry (<see cref="Entry"/> set), or a partition given to this node (<see cref="Owned"/>) or taken from it.</summary>
public readonly record struct OutboxFeedItem(OutboxEntry? Entry, int Partition, bool Owned);
