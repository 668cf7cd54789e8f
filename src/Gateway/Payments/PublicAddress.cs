using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Gateway.Payments;

/// <summary>Where customers and providers reach this gateway: the configured public URL, else the address it listens on.</summary>
public sealed class PublicAddress(IOptions<PaymentOptions> options, IServer server)
{
    public Uri Base
    {
        get
        {
            if (options.Value.PublicBaseUrl is { } configured)
            {
                return configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/");
            }

            var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1/";
            return new Uri(bound.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        }
    }

    public Uri Resolve(string relative) => new(Base, relative);

    /// <summary>A webhook URL for a provider, or null without a configured public URL (providers refuse localhost).</summary>
    public string? Webhook(string relative) => options.Value.PublicBaseUrl is null ? null : Resolve(relative).ToString();
}
