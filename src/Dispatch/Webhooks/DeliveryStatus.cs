namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>What a tenant can see of its webhook deliveries: how many wait, and the last failure.</summary>
public sealed record DeliveryStatus(int Pending, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastSuccessAt);
