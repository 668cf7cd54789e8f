namespace MessagingGateway.Tests.Shared;

/// <summary>A snapshot of a refund a <see cref="FakeMollie"/> holds, with what created it.</summary>
public sealed record FakeMollieRefund(
    string Id,
    string PaymentId,
    string Status,
    string Currency,
    string Value,
    string? Description,
    string? MetadataJson,
    string? IdempotencyKey,
    string RequestBody);
