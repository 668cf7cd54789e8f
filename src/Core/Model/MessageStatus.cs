namespace MessagingGateway.Core.Model;

/// <summary>
/// Where a message is in its life. The numeric order is the order of progress:
/// a status never moves to a lower one, and <see cref="Failed"/> ends it.
/// </summary>
public enum MessageStatus
{
    Accepted = 0,
    Queued = 1,
    Sent = 2,
    Delivered = 3,
    Read = 4,
    Failed = 5,
}
