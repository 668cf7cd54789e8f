namespace MessagingGateway.Dispatch;

/// <summary>Exponential backoff with full jitter, so retries of many senders do not arrive in step.</summary>
public static class Backoff
{
    public static TimeSpan Delay(TimeSpan baseDelay, TimeSpan maxDelay, int attempt)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        // Half fixed, half random: never zero, never in lockstep.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
