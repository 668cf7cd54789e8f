using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Store;

/// <summary>A message read back with its status history (oldest first) and timeline sequence once placed.</summary>
public sealed record StoredMessage(Message Message, IReadOnlyList<StatusChange> StatusHistory, long? ConversationSeq)
{
    /// <summary>The furthest status reached: statuses never go backwards.</summary>
    public StatusChange CurrentStatus => StatusProgress.Current(StatusHistory);
}
