using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>The outcome of one delivery attempt: done (delivered, or dead-lettered with an error), or to retry.</summary>
internal readonly record struct DeliveryAttempt(string? Error, OutboxEntry? Retry);
