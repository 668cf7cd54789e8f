namespace MessagingGateway.Core.Store;

/// <summary>
/// What a request with an <c>Idempotency-Key</c> claimed, and once finished, the response to replay.
/// <see cref="RequestHash"/> tells a retry (same body) from a conflicting reuse of the key.
/// </summary>
public sealed record IdempotencyRecord(
    string TenantId,
    string Key,
    string Operation,
    byte[] RequestHash,
    DateTimeOffset CreatedAt,
    int StatusCode = 0,
    byte[]? ResponseBody = null,
    string? Location = null)
{
    public bool IsCompleted => StatusCode != 0;
}
