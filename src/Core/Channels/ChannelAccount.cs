using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// A tenant's account at a real channel provider (API.md "Channel accounts"). <see cref="Sender"/>
/// is the <c>from</c> businesses send with; <see cref="Settings"/> holds the provider's fields by
/// their API names (<c>phoneNumberId</c>, <c>accessToken</c>, <c>appSecret</c>, <c>verifyToken</c>,
/// <c>botToken</c>, <c>secretToken</c>, <c>productToken</c>, …), secrets included: it is never
/// returned whole by the API nor logged. The account id is unique per channel across tenants,
/// because provider webhooks arrive at <c>/webhooks/{channel}/{accountId}</c>.
/// </summary>
public sealed record ChannelAccount(
    string TenantId,
    Channel Channel,
    string AccountId,
    string Sender,
    IReadOnlyDictionary<string, string> Settings,
    DateTimeOffset UpdatedAt)
{
    /// <summary>A setting, or null when the account has none of that name.</summary>
    public string? Setting(string name) => Settings.TryGetValue(name, out var value) ? value : null;

    /// <summary>Never the secrets: the channel and ids only.</summary>
    public override string ToString() => $"{Channel.ToWire()}/{AccountId} (tenant {TenantId}, sender {Sender})";
}
