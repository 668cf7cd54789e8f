using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Store;

/// <summary>
/// What dispatch reads before it places a message it took from the log: how far the message got
/// (its status history, none when the accepting process stopped before storing it, and its place
/// on the timeline once placed) and its conversation's counters. Not the message itself: dispatch
/// has it, decoded from the log record.
/// </summary>
public sealed record MessagePlacement(IReadOnlyList<StatusChange> StatusHistory, long? ConversationSeq, ConversationStats Stats)
{
    /// <summary>The accepting process stored the message (its <c>accepted</c> status is there).</summary>
    public bool IsStored => StatusHistory.Count > 0;
}
