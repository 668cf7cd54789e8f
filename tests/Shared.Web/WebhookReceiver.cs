using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// A real HTTP endpoint for webhook tests: Kestrel on a free loopback port, recording every POST
/// to <see cref="Url"/> and answering as <see cref="Mode"/> says, which tests may change at any time.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private const string HooksPath = "/hooks";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private volatile WebhookReceiverMode _mode;
    private long _slowDelayTicks = TimeSpan.FromSeconds(5).Ticks;

    private WebhookReceiver()
    {
    }

    /// <summary>Where to send webhooks, e.g. <c>http://127.0.0.1:54321/hooks</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public WebhookReceiverMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>How long <see cref="WebhookReceiverMode.Slow"/> waits before answering (default 5 s).</summary>
    public TimeSpan SlowDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _slowDelayTicks));
        set => Interlocked.Exchange(ref _slowDelayTicks, value.Ticks);
    }

    /// <summary>A snapshot of everything received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        // The empty builder reads no appsettings or environment, so a test project's host
        // configuration (Kestrel endpoints, logging) cannot leak into the receiver.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();

        var receiver = new WebhookReceiver();
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver._app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(new Uri(address), HooksPath);
        return receiver;
    }

    /// <summary>Polls <see cref="Received"/> until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var received = Received;
            if (condition(received))
            {
                return;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new TimeoutException($"The webhook condition did not hold within {timeout}; {received.Count} webhook(s) received.");
            }

            await Task.Delay(PollInterval);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Releases slow handlers first so stopping does not wait for their delay.
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!string.Equals(context.Request.Path.Value, HooksPath, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);

        var mode = Mode;
        var status = mode switch
        {
            WebhookReceiverMode.Fail => StatusCodes.Status500InternalServerError,
            WebhookReceiverMode.Drop => StatusCodes.Status410Gone,
            _ => StatusCodes.Status204NoContent,
        };

        var headers = context.Request.Headers;
        var webhook = new ReceivedWebhook(
            Header(headers, "webhook-id"),
            Header(headers, "webhook-timestamp"),
            Header(headers, "webhook-signature"),
            context.Request.ContentType,
            body.ToArray(),
            DateTimeOffset.UtcNow,
            status);

        // Recorded on arrival, before a slow answer, so a sender that times out still shows its attempt.
        lock (_gate)
        {
            _received.Add(webhook);
        }

        if (mode == WebhookReceiverMode.Slow)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(SlowDelay, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up or the receiver is stopping: no answer, as from a dead endpoint.
                context.Abort();
                return;
            }
        }

        context.Response.StatusCode = status;
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;
}
