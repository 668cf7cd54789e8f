using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Store;

/// <summary>
/// One message placed on its conversation's timeline at <paramref name="Seq"/>, together with the
/// conversation counters after it. A store writes all of it atomically (a logged batch).
/// </summary>
public sealed record TimelineAppend(Message Message, long Seq, ConversationStats Stats);
