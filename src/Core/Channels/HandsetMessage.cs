using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// A message as the sandbox handset received it. <see cref="ReceiptsOwed"/> counts the receipts
/// (of sent, delivered, read) not reported yet, so a restart resumes them.
/// </summary>
public sealed record HandsetMessage(
    string Address,
    Guid MessageId,
    string TenantId,
    string ConversationId,
    Channel Channel,
    string BusinessAddress,
    MessageContent Content,
    DateTimeOffset ReceivedAt,
    int ReceiptsOwed);
