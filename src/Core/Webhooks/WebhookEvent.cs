namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// One event for a tenant. <see cref="Id"/> is derived from what happened (message and status
/// sequence), so processing a record twice yields the same event, which is stored once.
/// <see cref="Seq"/> is its place in the tenant's stream (the replay cursor); <see cref="Body"/>
/// is the JSON delivered, exactly as signed.
/// </summary>
public sealed record WebhookEvent(string Id, string Type, string TenantId, string ConversationId, DateTimeOffset CreatedAt, byte[] Body, long Seq = 0);
