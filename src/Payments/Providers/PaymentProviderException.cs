namespace MessagingGateway.Payments.Providers;

/// <summary>
/// The provider refused or failed a request. <see cref="Status"/> is the provider's HTTP status (or
/// 0 when it could not be reached); <see cref="Detail"/> and <see cref="Field"/> are the provider's
/// problem fields, safe to pass on to our callers (they never hold a key).
/// </summary>
public sealed class PaymentProviderException(int status, string title, string? detail = null, string? field = null, Exception? inner = null)
    : Exception(detail is null ? title : title + ": " + detail, inner)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    public string? Field { get; } = field;

    /// <summary>Worth retrying later with the same idempotency key: rate limited, unreachable or a server error.</summary>
    public bool IsTransient => Status is 0 or 429 or >= 500;
}
