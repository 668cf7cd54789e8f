namespace MessagingGateway.Core.Store;

/// <summary>
/// What a request with an <c>Idempotency-Key</c> claimed, and once finished, the response to replay.
/// <see cref="RequestHash"/> tells a retry (same body) from a conflicting reuse of the key.
/// <see cref="MessageIds"/> are reserved before the append, so a retry that takes over a claim
/// abandoned by a crash appends the same ids again and downstream dedupe makes it one message.
/// <see cref="Owner"/> is the incarnation of the process that claimed it (a new one at every
/// start), so a claim left by a process that died is recognised as such at once.
/// </summary>
public sealed record IdempotencyRecord(
    string TenantId,
    string Key,
    string Operation,
    byte[] RequestHash,
    DateTimeOffset CreatedAt,
    IReadOnlyList<Guid> MessageIds,
    int StatusCode = 0,
    byte[]? ResponseBody = null,
    string? Location = null,
    Guid Owner = default)
{
    public bool IsCompleted => StatusCode != 0;
}
