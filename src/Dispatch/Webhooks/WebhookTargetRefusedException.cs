namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>A webhook host resolved only to addresses the policy refuses; the message is safe to show the tenant.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
