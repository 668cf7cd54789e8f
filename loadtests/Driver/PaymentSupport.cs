namespace MessagingGateway.Driver;

/// <summary>Whether the payments API answered, and if not, what the report says instead.</summary>
internal sealed record PaymentSupport(bool Available, string Reason);
