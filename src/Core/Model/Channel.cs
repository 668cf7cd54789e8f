namespace MessagingGateway.Core.Model;

/// <summary>A chat channel a business can reach a customer on.</summary>
public enum Channel
{
    WhatsApp,
    Messenger,
    Instagram,
    Telegram,
    Sms,
    Rcs,
    Apple,
    Viber,
    WeChat,
    Sandbox,
}
