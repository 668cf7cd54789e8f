using System.Net;
using MessagingGateway.Core.Validation;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Gateway.Webhooks;

/// <summary>
/// Refuses endpoints that can never work or must never be reached, when they are configured:
/// not http(s), pointing at this gateway itself, or at an address the <see cref="WebhookTargetPolicy"/>
/// refuses. It never connects: whether a port is open is not for a tenant to learn from us, and an
/// endpoint may be configured before it is deployed (the webhook's delivery status shows how it goes).
/// </summary>
internal static class WebhookUrlCheck
{
    public static async Task<Uri?> CheckAsync(string? text, IReadOnlyCollection<string> ownAddresses, WebhookTargetPolicy policy, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add("url", "is required");
            return null;
        }

        if (text.Length > 2048 || !Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("url", "must be an absolute http:// or https:// URL of at most 2048 characters");
            return null;
        }

        if (!string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Fragment))
        {
            errors.Add("url", "must not contain credentials or a #fragment; authenticate deliveries with the signature");
            return null;
        }

        if (PointsToSelf(url, ownAddresses))
        {
            errors.Add("url", "points to this gateway itself; use your own endpoint");
            return null;
        }

        if (await policy.CheckAsync(url, cancellationToken) is { } refusal)
        {
            errors.Add("url", "is not allowed: " + refusal);
            return null;
        }

        return url;
    }

    private static bool PointsToSelf(Uri url, IReadOnlyCollection<string> ownAddresses)
    {
        foreach (var address in ownAddresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var own) || own.Port != url.Port)
            {
                continue;
            }

            var host = url.DnsSafeHost;
            if (host.Equals(own.DnsSafeHost, StringComparison.OrdinalIgnoreCase)
                || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host, out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
            {
                return true;
            }
        }

        return false;
    }
}
