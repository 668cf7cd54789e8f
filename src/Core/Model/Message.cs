namespace MessagingGateway.Core.Model;

/// <summary>
/// A message as accepted: immutable once written to the log. Addresses are normalised
/// (E.164 for phone channels), so the conversation id is stable however the client wrote them.
/// </summary>
public sealed record Message
{
    public required Guid Id { get; init; }
    public required string TenantId { get; init; }
    public required string ConversationId { get; init; }
    public required Channel Channel { get; init; }
    public required MessageDirection Direction { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required MessageContent Content { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>The business's own number/id: From when outbound, To when inbound.</summary>
    public string BusinessAddress => Direction == MessageDirection.Outbound ? From : To;

    /// <summary>The customer's address: To when outbound, From when inbound.</summary>
    public string CustomerAddress => Direction == MessageDirection.Outbound ? To : From;
}
