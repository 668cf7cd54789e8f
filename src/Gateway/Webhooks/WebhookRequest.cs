namespace MessagingGateway.Gateway.Webhooks;

/// <summary>The body of <c>PUT /v1/webhook</c>: the endpoint, its secret, and during a rotation the other secret.</summary>
internal sealed class WebhookRequest
{
    public string? Url { get; set; }

    /// <summary>The secret to sign with (<c>whsec_…</c>); generated when absent.</summary>
    public string? Secret { get; set; }

    /// <summary>A second secret that also signs every delivery while receivers switch over.</summary>
    public string? SecondarySecret { get; set; }
}
