using MessagingGateway.Dispatch;
using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the log takes appends and the
/// dispatcher runs, so a 202 from this node means what it says.
/// </summary>
internal sealed class HealthApi(Dispatcher dispatcher, GatewayOptions options, IHostApplicationLifetime lifetime)
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
        var dispatching = options.Role != "gateway";
        var ready = (!dispatching || dispatcher.IsRunning) && !lifetime.ApplicationStopping.IsCancellationRequested;
        var writer = JsonResponse.Start(context, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        writer.WriteStartObject();
        writer.WriteString("status"u8, ready ? "ready"u8 : "not-ready"u8);
        writer.WriteStartObject("checks"u8);
        writer.WriteBoolean("log"u8, !lifetime.ApplicationStopping.IsCancellationRequested);
        writer.WriteString("role"u8, options.Role);
        writer.WriteBoolean("dispatcher"u8, dispatcher.IsRunning);
        writer.WriteBoolean("dispatchIdle"u8, dispatcher.IsIdle);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }
}
