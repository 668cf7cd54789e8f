namespace MessagingGateway.Core.Webhooks;

/// <summary>An event given up on after retrying for the whole retry window; it can be redelivered.</summary>
public sealed record DeadLetter(OutboxEntry Entry, DateTimeOffset DeadAt, string Reason);
