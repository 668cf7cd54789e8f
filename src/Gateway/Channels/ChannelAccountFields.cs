using MessagingGateway.Core.Model;

namespace MessagingGateway.Gateway.Channels;

/// <summary>The fields each channel's account needs (API.md "Channel accounts"), and which of them are secrets.</summary>
internal static class ChannelAccountFields
{
    /// <summary>Generated for CM.com, which does not sign: the unguessable token in its webhook URL.</summary>
    public const string WebhookToken = "webhookToken";

    private static readonly HashSet<string> Secrets = new(StringComparer.Ordinal)
    {
        "accessToken", "appSecret", "verifyToken", "pageAccessToken", "botToken", "secretToken", "productToken", WebhookToken,
    };

    /// <summary>The required fields besides <c>sender</c>, or null for a channel without a connector yet.</summary>
    public static string[]? Required(Channel channel) => channel switch
    {
        Channel.WhatsApp => ["phoneNumberId", "accessToken", "appSecret", "verifyToken"],
        Channel.Messenger or Channel.Instagram => ["pageAccessToken", "appSecret", "verifyToken"],
        Channel.Telegram => ["botToken", "secretToken"],
        Channel.Sms => ["provider", "productToken"],
        _ => null,
    };

    public static bool IsSecret(string field) => Secrets.Contains(field);
}
