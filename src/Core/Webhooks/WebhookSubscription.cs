namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// Where a tenant wants its events, and the secrets they are signed with: one, or two while the
/// tenant rotates (each delivery is signed with both, so either verifies).
/// </summary>
public sealed record WebhookSubscription(string TenantId, string Url, IReadOnlyList<string> Secrets, DateTimeOffset UpdatedAt);
