namespace MessagingGateway.Core.Model;

/// <summary>
/// A delivery report from a channel: message <see cref="MessageId"/> reached <see cref="Status"/>
/// at the provider's time <see cref="At"/>. It travels through the log keyed by the conversation,
/// so it is applied in order with the messages of that conversation.
/// </summary>
public sealed record StatusReceipt(
    Guid MessageId,
    string TenantId,
    string ConversationId,
    MessageStatus Status,
    DateTimeOffset At,
    string? Code = null);
