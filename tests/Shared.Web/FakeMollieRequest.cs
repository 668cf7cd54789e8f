namespace MessagingGateway.Tests.Shared;

/// <summary>One request a <see cref="FakeMollie"/> got, as sent, with the status it answered.</summary>
/// <param name="Path">Without the query, e.g. <c>/v2/payments/tr_abc/refunds</c>.</param>
/// <param name="Query">With its leading <c>?</c>, or empty.</param>
/// <param name="Replayed">Answered from the idempotency cache (<c>Idempotent-Replayed: true</c>).</param>
public sealed record FakeMollieRequest(
    string Method,
    string Path,
    string Query,
    string? Authorization,
    string? IdempotencyKey,
    string? ContentType,
    string? Accept,
    string Body,
    int StatusCode,
    bool Replayed,
    DateTimeOffset ReceivedAt);
