namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// One event for a tenant. <see cref="Id"/> is derived from what happened (message and status
/// sequence), so processing a record twice yields the same event, which is stored once.
/// <see cref="Partition"/> is the log partition of its conversation, and <see cref="Seq"/> its
/// place in the tenant's stream of that partition: the partition's owner numbers them, so
/// dispatch nodes never share a counter, and a conversation's events keep their order.
/// <see cref="Body"/> is the JSON delivered, exactly as signed.
/// </summary>
public sealed record WebhookEvent(string Id, string Type, string TenantId, string ConversationId, DateTimeOffset CreatedAt, byte[] Body, long Seq = 0, int Partition = 0);
