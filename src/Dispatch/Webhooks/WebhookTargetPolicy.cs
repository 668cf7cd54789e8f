using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// Which webhook URLs may be configured and connected to. Only the public internet by default;
/// private, loopback and link-local ranges when the operator allows them
/// (<see cref="WebhookOptions.AllowPrivateNetworks"/>, which follows whether the gateway listens on
/// loopback only when unset); metadata services and multicast never. Deliveries resolve the host,
/// check every address and connect to an address that was checked, so a DNS answer that changes
/// between the check and the connection (rebinding) cannot reach a refused address.
/// </summary>
public sealed class WebhookTargetPolicy(IWebhookHostResolver resolver, IOptions<WebhookOptions> options)
{
    private volatile bool _loopbackOnly;

    /// <summary>Whether private ranges (and loopback) are allowed now.</summary>
    public bool AllowsPrivateNetworks => options.Value.AllowPrivateNetworks ?? _loopbackOnly;

    /// <summary>Sets the default of <see cref="AllowsPrivateNetworks"/> from the addresses the server bound.</summary>
    public void UseListenAddresses(bool loopbackOnly) => _loopbackOnly = loopbackOnly;

    public bool Allows(IPAddress address) => WebhookAddressRanges.Classify(address) switch
    {
        WebhookAddressClass.Public => true,
        WebhookAddressClass.Private => AllowsPrivateNetworks,
        _ => false,
    };

    /// <summary>
    /// Why <paramref name="url"/> may not be configured, or null when it may. A host name that does
    /// not resolve yet is allowed (the endpoint may not be deployed yet); deliveries check again.
    /// </summary>
    public async ValueTask<string?> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(url.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return null;
        }

        foreach (var address in addresses)
        {
            if (!Allows(address))
            {
                return Refusal(url.IdnHost, address);
            }
        }

        return null;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of deliveries: resolves, keeps the
    /// allowed addresses and connects to the first that answers.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        SocketException? last = null;
        IPAddress? refused = null;
        foreach (var address in addresses)
        {
            if (!Allows(address))
            {
                refused ??= address;
                continue;
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (last is not null)
        {
            throw last;
        }

        throw new WebhookTargetRefusedException(refused is null ? $"{host} has no address" : Refusal(host, refused));
    }

    private async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolver.ResolveAsync(host, cancellationToken);

    private static string Refusal(string host, IPAddress address)
    {
        var what = WebhookAddressRanges.Classify(address) == WebhookAddressClass.Never
            ? "a metadata, multicast or reserved address, never allowed"
            : "a private, loopback or link-local address; the operator has not allowed private networks (Webhooks:AllowPrivateNetworks)";
        return host == address.ToString() ? $"{host} is {what}" : $"{host} resolves to {what}";
    }
}
