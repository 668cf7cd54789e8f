using System.Globalization;
using System.Text;
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

    /// <summary>The body of <c>POST /v1/messages</c> for <see cref="Request"/>, as a client sends it (UTF-8 JSON).</summary>
    public static byte[] RequestJson(int customerNumber = 0) => Encoding.UTF8.GetBytes(ItemJson(customerNumber));

    /// <summary>The body of <c>POST /v1/messages/batch</c>: <paramref name="count"/> sends like <see cref="Request"/>, each to its own customer.</summary>
    public static byte[] BatchJson(int count) =>
        Encoding.UTF8.GetBytes("{\"messages\":[" + string.Join(',', Enumerable.Range(0, count).Select(ItemJson)) + "]}");

    /// <summary>The conversation id of the business and the <paramref name="customerNumber"/>-th customer.</summary>
    public static string ConversationId(int customerNumber = 0) =>
        ConversationKey.Derive(TenantId, Channel.WhatsApp, Business, CustomerNumber(customerNumber));

    /// <summary>The WhatsApp number of the <paramref name="customerNumber"/>-th customer (the 0th is <see cref="Customer"/>).</summary>
    public static string CustomerNumber(int customerNumber) =>
        "+3168" + (7654321 + customerNumber).ToString("D7", CultureInfo.InvariantCulture);

    public static LogEnvelope Envelope() => LogEnvelope.ForMessage(AcceptedMessage());

    public static Message AcceptedMessage() => new()
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
    };

    // Compact JSON as clients send it; the field order of the API reference.
    private static string ItemJson(int customerNumber) =>
        $$$"""{"channel":"whatsapp","from":"{{{Business}}}","to":"{{{CustomerNumber(customerNumber)}}}","content":{"type":"text","text":"{{{Text}}}"},"metadata":{"orderId":"10452"}}""";
}
