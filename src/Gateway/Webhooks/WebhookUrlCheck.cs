using System.Net;
using System.Net.Sockets;
using MessagingGateway.Core.Validation;

namespace MessagingGateway.Gateway.Webhooks;

/// <summary>
/// Refuses endpoints that can never work, when they are configured rather than at 3 a.m.: not
/// http(s), pointing at this gateway itself, or not accepting connections at all.
/// </summary>
internal static class WebhookUrlCheck
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    public static async Task<Uri?> CheckAsync(string? text, IReadOnlyCollection<string> ownAddresses, ValidationErrors errors, CancellationToken cancellationToken)
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

        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(url.DnsSafeHost, url.Port, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            errors.Add("url", $"is unreachable: no connection to {url.Host}:{url.Port} within {ConnectTimeout.TotalSeconds:0} s");
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
