using System.Globalization;
using System.Text;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// One POST a <see cref="WebhookReceiver"/> got: the Standard Webhooks headers as sent (null when
/// absent), the exact body bytes, and the status it answered with. Tests verify signatures
/// themselves, so the receiver stays independent of the code under test.
/// </summary>
public sealed record ReceivedWebhook(
    string? Id,
    string? Timestamp,
    string? Signature,
    string? ContentType,
    byte[] Body,
    DateTimeOffset ReceivedAt,
    int StatusCode)
{
    /// <summary>The <c>webhook-timestamp</c> header as Unix seconds, or null when absent or not a number.</summary>
    public long? UnixTimestamp =>
        long.TryParse(Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    public string BodyText => Encoding.UTF8.GetString(Body);
}
