namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>Where an IP address points, as far as sending webhooks to it goes.</summary>
public enum WebhookAddressClass
{
    /// <summary>The public internet: always allowed.</summary>
    Public,

    /// <summary>Loopback, RFC 1918, shared (CGNAT), ULA, link-local, documentation ranges: only with <c>Webhooks:AllowPrivateNetworks</c>.</summary>
    Private,

    /// <summary>Cloud metadata services, multicast, broadcast, unspecified and reserved: never.</summary>
    Never,
}
