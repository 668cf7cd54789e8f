using System.Net;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>Resolves a webhook URL's host name (DNS by default; tests give their own answers).</summary>
public interface IWebhookHostResolver
{
    ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
