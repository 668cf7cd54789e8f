using MessagingGateway.Core.Log;
using MessagingGateway.Core.Store;
using MessagingGateway.Dispatch;
using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the log takes appends and the
/// dispatcher runs, so a 202 from this node means what it says. When not ready, <c>reason</c> says
/// why: the log's fault (e.g. <c>kafka-fatal</c>, which lasts until a restart), a shared store
/// that cannot be reached (<c>store-unreachable</c>), <c>stopping</c> or <c>dispatcher-stopped</c>.
/// </summary>
internal sealed class HealthApi(Dispatcher dispatcher, GatewayOptions options, IHostApplicationLifetime lifetime, ILogHealth? logHealth = null, IStoreHealth? storeHealth = null)
{
    public static async Task LiveAsync(HttpContext context)
    {
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteString("status"u8, "live"u8);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ReadyAsync(HttpContext context)
    {
        var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        var fault = logHealth?.Fault;
        var storeFault = storeHealth is null ? null : await storeHealth.FaultAsync(context.RequestAborted);
        var dispatching = options.Role != "gateway";
        var reason = fault ?? storeFault ?? (stopping ? "stopping" : dispatching && !dispatcher.IsRunning ? "dispatcher-stopped" : null);
        var writer = JsonResponse.Start(context, reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        writer.WriteStartObject();
        writer.WriteString("status"u8, reason is null ? "ready"u8 : "not-ready"u8);
        if (reason is not null)
        {
            writer.WriteString("reason"u8, reason);
        }

        writer.WriteStartObject("checks"u8);
        writer.WriteBoolean("log"u8, !stopping && fault is null);
        writer.WriteBoolean("store"u8, storeFault is null);
        writer.WriteString("role"u8, options.Role);
        writer.WriteBoolean("dispatcher"u8, dispatcher.IsRunning);
        writer.WriteBoolean("dispatchIdle"u8, dispatcher.IsIdle);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }
}
