using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Validation;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// One realistic outbound WhatsApp text, in each shape the hot path sees it: the request body, the
/// accepted message, its log envelope and its conversation id. Fixed values keep runs comparable.
/// </summary>
internal static class TypicalTraffic
{
    public const string TenantId = "tnt_acme";
    public const string Business = "+31612345678";
    public const string Customer = "+31687654321";
    public const string Text = "Hi Anna, your order #10452 has shipped and arrives tomorrow between 10:00 and 12:00. Reply STOP to opt out.";

    public static SendMessageRequest Request() => new()
    {
        Channel = "whatsapp",
        From = Business,
        To = Customer,
        Content = new MessageContent { Type = "text", Text = Text },
        Metadata = new Dictionary<string, string> { ["orderId"] = "10452" },
    };

    /// <summary>The conversation id of the business and the <paramref name="customerNumber"/>-th customer.</summary>
    public static string ConversationId(int customerNumber = 0) =>
        ConversationKey.Derive(TenantId, Channel.WhatsApp, Business, "+3168" + (7654321 + customerNumber).ToString("D7", System.Globalization.CultureInfo.InvariantCulture));

    public static LogEnvelope Envelope() => LogEnvelope.ForMessage(new Message
    {
        Id = Guid.Parse("0190f3a4-7b1c-7d2e-9f00-1a2b3c4d5e6f"),
        TenantId = TenantId,
        ConversationId = ConversationId(),
        Channel = Channel.WhatsApp,
        Direction = MessageDirection.Outbound,
        From = Business,
        To = Customer,
        Content = new MessageContent { Type = "text", Text = Text },
        Metadata = new Dictionary<string, string> { ["orderId"] = "10452" },
        AcceptedAt = new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero),
    });
}
