namespace MessagingGateway.Core.Model;

/// <summary>The wire names of statuses.</summary>
public static class StatusNames
{
    public static string Of(MessageStatus status) => status switch
    {
        MessageStatus.Accepted => "accepted",
        MessageStatus.Queued => "queued",
        MessageStatus.Sent => "sent",
        MessageStatus.Delivered => "delivered",
        MessageStatus.Read => "read",
        _ => "failed",
    };
}
