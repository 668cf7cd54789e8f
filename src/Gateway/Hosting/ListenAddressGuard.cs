using MessagingGateway.Dispatch.Webhooks;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Tenants;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// Judges the addresses the server actually bound, not the ones asked for: <c>--urls</c> can be
/// overridden by Kestrel's own endpoint settings. With the demo tenant (a public key) anything but
/// loopback ends the start; the webhook policy's default follows the same addresses. Until this
/// has run after the bind, <see cref="GateAsync"/> answers 503, so nothing is served in between.
/// </summary>
internal sealed partial class ListenAddressGuard(IServer server, TenantDirectory tenants, WebhookTargetPolicy webhookTargets, GatewayOptions options, ILogger<ListenAddressGuard> logger)
    : IHostedLifecycleService
{
    private const string ReadmeSection = "README.md, 'Walk-through'";

    private volatile bool _verified;

    /// <summary>The first middleware: nothing is served until the bound addresses are judged.</summary>
    public Task GateAsync(HttpContext context, RequestDelegate next)
    {
        if (_verified)
        {
            return next(context);
        }

        context.Response.Headers.RetryAfter = "1";
        return ProblemWriter.WriteAsync(context, ApiProblem.Unavailable("The gateway is starting."));
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // An in-memory test server binds nothing: nothing is exposed.
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var loopbackOnly = true;
        foreach (var address in bound)
        {
            if (!ListenAddresses.IsLoopback(address))
            {
                loopbackOnly = false;
                if (tenants.HasDemoTenant)
                {
                    throw new GatewayStartupException(
                        $"Refusing to serve on {address}: the demo tenant's API key is public ({ReadmeSection}) and only allowed on loopback. " +
                        "Listen on 127.0.0.1 (check --urls and any Kestrel:Endpoints setting), or pass --tenants-file with your own tenants (without \"demo\": true).");
                }
            }
        }

        webhookTargets.UseListenAddresses(loopbackOnly);
        var urls = string.Join(", ", bound);
        if (tenants.HasDemoTenant)
        {
            LogStartedWithDemo(urls, options.Partitions, tenants.Tenants.Count, ReadmeSection);
        }
        else
        {
            LogStarted(urls, options.Partitions, tenants.Tenants.Count);
        }

        LogWebhookNetworks(webhookTargets.AllowsPrivateNetworks ? "allowed" : "refused");
        _verified = true;
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Listening on {Urls} ({Partitions} partitions, {TenantCount} tenant(s)); the demo tenant's API key is in {ReadmeSection}")]
    private partial void LogStartedWithDemo(string urls, int partitions, int tenantCount, string readmeSection);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Listening on {Urls} ({Partitions} partitions, {TenantCount} tenant(s))")]
    private partial void LogStarted(string urls, int partitions, int tenantCount);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Webhook URLs on private, loopback and link-local networks: {Verdict} (Webhooks:AllowPrivateNetworks)")]
    private partial void LogWebhookNetworks(string verdict);
}
