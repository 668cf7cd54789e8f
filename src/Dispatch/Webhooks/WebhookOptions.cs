namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>Settings of webhook delivery (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>How long an event is retried before it becomes a dead letter.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(25);

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetryDelay"/>, with full jitter.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Per request: a slow endpoint costs its own tenant this much, never other tenants.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether webhook URLs may point at loopback, private (RFC 1918, ULA), shared and link-local
    /// addresses. Unset: allowed when the gateway itself listens on loopback only (a development
    /// run), refused otherwise. Metadata services and multicast are refused either way.
    /// </summary>
    public bool? AllowPrivateNetworks { get; set; }

    /// <summary>Conversations of one tenant delivered at the same time.</summary>
    public int MaxConcurrentPerTenant { get; set; } = 8;
}
