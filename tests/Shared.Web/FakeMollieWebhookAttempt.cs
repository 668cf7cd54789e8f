namespace MessagingGateway.Tests.Shared;

/// <summary>One POST of <c>id=tr_…</c> by <see cref="FakeMollie.NotifyAsync"/>.</summary>
/// <param name="Attempt">1 for the first try.</param>
/// <param name="StatusCode">The receiver's answer, or 0 when there was none (refused, timed out).</param>
/// <param name="Error">Why there was no answer, or null.</param>
public sealed record FakeMollieWebhookAttempt(
    string PaymentId,
    Uri Url,
    int Attempt,
    int StatusCode,
    string? Error,
    DateTimeOffset At)
{
    /// <summary>Mollie counts only 200 as delivered.</summary>
    public bool Delivered => StatusCode == 200;
}
