using MessagingGateway.Channels.Cm;
using MessagingGateway.Channels.Meta;
using MessagingGateway.Channels.Telegram;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Dispatch.Sandbox;
using MessagingGateway.Dispatch.Webhooks;
using MessagingGateway.Dispatch;
using MessagingGateway.Gateway.Channels;
using MessagingGateway.Gateway.Conversations;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Messages;
using MessagingGateway.Gateway.Operations;
using MessagingGateway.Gateway.Payments;
using MessagingGateway.Payments;
using MessagingGateway.Payments.Mollie;
using MessagingGateway.Payments.Providers;
using MessagingGateway.Payments.Sandbox;
using MessagingGateway.Core.Payments;
using MessagingGateway.Gateway.Sandbox;
using MessagingGateway.Gateway.Tenants;
using MessagingGateway.Gateway.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>Builds the whole gateway: the embedded log and store, the projector, and the HTTP API.</summary>
public static partial class GatewayHost
{
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["--data-dir"] = "Gateway:DataDir",
        ["--partitions"] = "Gateway:Partitions",
        ["--tenants-file"] = "Gateway:TenantsFile",
        ["--transport"] = "Gateway:Transport",
        ["--kafka-bootstrap"] = "Gateway:KafkaBootstrap",
        ["--kafka-dev-cluster"] = "Gateway:KafkaDevCluster",
        ["--kafka-topic-prefix"] = "Gateway:KafkaTopicPrefix",
        ["--kafka-replication"] = "Gateway:KafkaReplication",
        ["--role"] = "Gateway:Role",
        ["--store"] = "Gateway:Store",
        ["--postgres"] = "Gateway:Postgres",
        ["--idempotency-retention"] = "Gateway:IdempotencyRetention",
    };

    /// <summary>Builds the host (not started). Throws <see cref="GatewayStartupException"/> for a configuration it refuses.</summary>
    /// <param name="replaceServices">Replaces services after the gateway's own (tests: a resolver with their own answers).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? replaceServices = null)
    {
        // Settings ship next to the binary; relative paths such as --data-dir stay relative to the working folder.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, Flags);

        // A failed start (e.g. the port is taken) is reported once, plainly, by Program; the host's
        // own error entry would repeat it with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        GatewayOptions options;
        try
        {
            options = builder.Configuration.GetSection("Gateway").Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException ex)
        {
            // e.g. --partitions abc: one plain line, not a stack trace
            throw new GatewayStartupException(ex.Message, ex);
        }

        if (options.Partitions is < 1 or > 1024)
        {
            throw new GatewayStartupException($"--partitions must be from 1 to 1024 (got {options.Partitions}).");
        }

        if (options.IdempotencyRetention <= TimeSpan.Zero)
        {
            throw new GatewayStartupException($"--idempotency-retention must be a positive time span such as 1.00:00:00 (got {options.IdempotencyRetention}).");
        }

        if (options.MaxBufferedBodyBytes < Math.Max(options.MaxBatchBytes, options.MaxMessageBytes))
        {
            throw new GatewayStartupException($"--Gateway:MaxBufferedBodyBytes ({options.MaxBufferedBodyBytes}) must be at least the largest body limit ({Math.Max(options.MaxBatchBytes, options.MaxMessageBytes)}), or that body could never be read.");
        }

        if (options.MaxConnections < 1)
        {
            throw new GatewayStartupException($"--Gateway:MaxConnections must be at least 1 (got {options.MaxConnections}).");
        }

        LogTransport.Validate(options);
        StoreSelection.Validate(options);
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = GatewayOptions.DefaultUrl;
            builder.WebHost.UseUrls(urls);
        }

        var tenantsFile = options.TenantsFile ?? Path.Combine(AppContext.BaseDirectory, "seeds", "tenants.json");
        TenantDirectory tenants;
        try
        {
            tenants = TenantDirectory.Load(tenantsFile);
        }
        catch (InvalidOperationException ex)
        {
            throw new GatewayStartupException(ex.Message, ex);
        }

        if (tenants.HasDemoTenant)
        {
            // Early and cheap; ListenAddressGuard judges what Kestrel actually binds.
            foreach (var url in ListenAddresses.Parse(urls))
            {
                if (!ListenAddresses.IsLoopback(url))
                {
                    throw new GatewayStartupException(
                        $"Refusing to listen on {url}: the demo tenant's API key is public and only allowed on loopback. " +
                        "Listen on 127.0.0.1, or pass --tenants-file with your own tenants (without \"demo\": true).");
                }
            }
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The API enforces a per-endpoint limit while reading (a clear 413); Kestrel's is a backstop.
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxBatchBytes, options.MaxMessageBytes) + 1;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            // What Kestrel reads ahead of the API per connection; it stays in the memory pool, so
            // it is part of the memory ceiling (connections × this), see README "Memory".
            kestrel.Limits.MaxRequestBufferSize = BodyBudget.FreeBytes;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(KestrelRejections.Middleware));
        });
        builder.WebHost.UseSockets(sockets => sockets.MaxReadBufferSize = BodyBudget.FreeBytes);

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(options);
        services.AddSingleton(tenants);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<EmbeddedStorage>();
        LogTransport.Register(services, options);
        StoreSelection.Register(services, options);
        services.Configure<DispatchOptions>(builder.Configuration.GetSection("Dispatch"));
        services.Configure<OperationsOptions>(builder.Configuration.GetSection("Operations"));
        services.Configure<WebhookOptions>(builder.Configuration.GetSection("Webhooks"));
        services.Configure<SandboxOptions>(builder.Configuration.GetSection("Sandbox"));
        services.Configure<PaymentOptions>(builder.Configuration.GetSection("Payments"));
        services.AddSingleton<PublicAddress>();
        services.AddSingleton(sp => new SandboxPaymentProvider(
            sp.GetRequiredService<IProviderStateStore>(), sp.GetRequiredService<TimeProvider>(), () => sp.GetRequiredService<PublicAddress>().Base)
        {
            RefundDelay = sp.GetRequiredService<IOptions<PaymentOptions>>().Value.SandboxRefundDelay,
        });
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SandboxPaymentProvider>());
        var paymentOptions = builder.Configuration.GetSection("Payments").Get<PaymentOptions>() ?? new PaymentOptions();
        services.AddMollieClient(paymentOptions.MollieApiBaseUrl);
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<MollieClient>());
        services.AddSingleton(sp => new PaymentAccounts(tenants.PaymentAccounts, sp.GetServices<IPaymentProvider>()));
        services.AddSingleton<PaymentLedger>();
        services.AddSingleton<IPaymentUpdates>(sp => sp.GetRequiredService<PaymentLedger>());
        services.AddSingleton<PaymentSync>();
        services.AddSingleton<RefundSubmission>();
        services.AddSingleton<PaymentsApi>();
        services.AddSingleton<ChannelsApi>();
        services.AddSingleton<ChannelWebhooksApi>();
        services.AddSingleton<SandboxCheckoutApi>();
        services.AddSingleton<ProviderWebhooksApi>();
        services.AddSingleton<PaymentReconciler>();
        services.AddSingleton<PaymentNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentNotifications>());
        services.AddSingleton<OutboxFeed>();
        services.AddSingleton<SandboxReceiptClock>();
        // Told by the dispatcher which partitions are this node's: their deliveries and receipts are its to make.
        services.AddSingleton<IPartitionAssignment>(sp => sp.GetRequiredService<OutboxFeed>());
        services.AddSingleton<IPartitionAssignment>(sp => sp.GetRequiredService<SandboxReceiptClock>());
        services.AddSingleton<SandboxChannel>();
        services.AddSingleton<IWebhookHostResolver, DnsWebhookHostResolver>();
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddSingleton<ListenAddressGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenAddressGuard>());
        // Provider connectors; the API base URLs are settings so tests and regional endpoints can point elsewhere.
        services.AddWhatsAppConnector(new Uri(builder.Configuration["Channels:WhatsApp:ApiBaseUrl"] ?? "https://graph.facebook.com/v21.0/"));
        services.AddSingleton<WhatsAppWebhook>();
        services.AddSingleton(sp => new ProviderConnector(Channel.WhatsApp, sp.GetRequiredService<WhatsAppConnector>(), sp.GetRequiredService<WhatsAppWebhook>()));
        services.AddMessengerConnector(new Uri(builder.Configuration["Channels:Messenger:ApiBaseUrl"] ?? "https://graph.facebook.com/v21.0/"));
        services.AddSingleton(sp => new ProviderConnector(Channel.Messenger, sp.GetRequiredService<MessengerConnector>(), new MessengerWebhook(Channel.Messenger)));
        services.AddSingleton(sp => new ProviderConnector(Channel.Instagram, sp.GetRequiredService<MessengerConnector>(), new MessengerWebhook(Channel.Instagram)));
        services.AddTelegramConnector(new Uri(builder.Configuration["Channels:Telegram:ApiBaseUrl"] ?? "https://api.telegram.org/"));
        services.AddSingleton(sp => new ProviderConnector(Channel.Telegram, sp.GetRequiredService<TelegramConnector>(), new TelegramWebhook(sp.GetRequiredService<TimeProvider>())));
        services.AddCmConnector(new Uri(builder.Configuration["Channels:Cm:ApiBaseUrl"] ?? "https://gw.messaging.cm.com/"));
        services.AddSingleton(sp => new ProviderConnector(Channel.Sms, sp.GetRequiredService<CmSmsConnector>(), new CmWebhook()));

        // Provider connectors by channel; a message goes to one when its tenant has an account for its sender.
        services.AddSingleton(sp => new ChannelRouter(
            sp.GetServices<ProviderConnector>().ToDictionary(provider => provider.Channel, provider => provider.Connector),
            sp.GetRequiredService<SandboxChannel>(),
            sp.GetRequiredService<IChannelAccountStore>()));
        services.AddSingleton<ConversationProcessor>();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<WebhookDeliverer>();
        if (options.Role != "gateway")
        {
            // Dispatch nodes consume; gateway-only nodes just append to the log.
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliverer>());
            services.AddHostedService(sp => sp.GetRequiredService<SandboxReceiptClock>());
            services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
            services.AddHostedService(sp => sp.GetRequiredService<PaymentReconciler>());
        }
        services.AddSingleton(new BodyBudget(options.MaxBufferedBodyBytes));
        if (options.Transport == "embedded" && options.Role != "gateway" && options.MaxDispatchBacklog > 0)
        {
            // One process accepts and dispatches everything: intake must not outrun dispatch.
            services.AddSingleton(new DispatchBacklog(options.MaxDispatchBacklog, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20)));
        }

        services.AddSingleton<MessageIntake>();
        // The embedded store is this process's own (RocksDB locks its folder), so a claim of another
        // incarnation was left by a process that died; in a shared store it may be another node's.
        services.AddSingleton(sp => new IdempotencyGate(sp.GetRequiredService<IConversationStore>(), sp.GetRequiredService<TimeProvider>(), Guid.NewGuid(), storeIsExclusive: options.Store == "embedded", sp.GetRequiredService<ILogger<IdempotencyGate>>()));
        services.AddSingleton<MessagesApi>();
        services.AddSingleton<ConversationsApi>();
        services.AddSingleton<HealthApi>();
        services.AddSingleton<WebhooksApi>();
        services.AddSingleton<QuarantineApi>();
        services.AddSingleton<SandboxApi>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(GatewayMetrics.MeterName, StoreSelection.PostgresMeterName).AddPrometheusExporter());
        replaceServices?.Invoke(services);

        var app = builder.Build();
        try
        {
            // Open the data folder and the log now, so a locked folder, a mismatched partition
            // count or an unreachable Kafka fails the start, not the first request.
            app.Services.GetRequiredService<EmbeddedStorage>();
            app.Services.GetRequiredService<IMessageLog>();
            app.Services.GetRequiredService<IConversationStore>();
        }
        catch (InvalidOperationException ex)
        {
            throw new GatewayStartupException(ex.Message, ex);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MessagingGateway.Gateway");
        var dataDir = app.Services.GetRequiredService<EmbeddedStorage>().Database.Path;
        LogStarting(logger, dataDir, options.Transport, options.Store == "postgres" ? "PostgreSQL" : "embedded");
        if (app.Services.GetService<Transport.Kafka.KafkaMockCluster>() is { } devCluster)
        {
            LogDevCluster(logger, devCluster.BrokerCount, devCluster.BootstrapServers);
        }

        LogRole(logger, options.Role, options.Transport);

        // The sandbox provider notifies as Mollie does: "look at this id".
        var notifications = app.Services.GetRequiredService<PaymentNotifications>();
        app.Services.GetRequiredService<SandboxPaymentProvider>().Notify = id =>
        {
            notifications.Enqueue(SandboxPaymentProvider.ProviderName, id);
            return Task.CompletedTask;
        };

        var guard = app.Services.GetRequiredService<ListenAddressGuard>();
        app.Use(guard.GateAsync);
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledAsync, SuppressDiagnosticsCallback = _ => false });
        app.UseStatusCodePages(new StatusCodePagesOptions { HandleAsync = WriteStatusCodeAsync });
        app.UseMiddleware<ApiKeyAuthentication>();
        MapRoutes(app);
        return app;
    }

    private static void MapRoutes(WebApplication app)
    {
        app.MapPost("/v1/messages", (HttpContext context, MessagesApi api) => api.SendAsync(context));
        app.MapPost("/v1/messages/batch", (HttpContext context, MessagesApi api) => api.SendBatchAsync(context));
        app.MapGet("/v1/messages/{id}", (HttpContext context, string id, MessagesApi api) => api.GetAsync(context, id));
        app.MapGet("/v1/conversations/{id}", (HttpContext context, string id, ConversationsApi api) => api.GetAsync(context, id));
        app.MapGet("/v1/conversations/{id}/messages", (HttpContext context, string id, ConversationsApi api) => api.ListMessagesAsync(context, id));
        app.MapPut("/v1/webhook", (HttpContext context, WebhooksApi api) => api.PutAsync(context));
        app.MapGet("/v1/webhook", (HttpContext context, WebhooksApi api) => api.GetAsync(context));
        app.MapGet("/v1/webhook/dead-letters", (HttpContext context, WebhooksApi api) => api.ListDeadLettersAsync(context));
        app.MapPost("/v1/webhook/dead-letters/{id}/redeliver", (HttpContext context, string id, WebhooksApi api) => api.RedeliverAsync(context, id));
        app.MapGet("/v1/events", (HttpContext context, WebhooksApi api) => api.ListEventsAsync(context));
        app.MapPost("/v1/conversations/{id}/payments", (HttpContext context, string id, PaymentsApi api) => api.CreateAsync(context, id));
        app.MapGet("/v1/conversations/{id}/payments", (HttpContext context, string id, PaymentsApi api) => api.ListAsync(context, id));
        app.MapGet("/v1/payments/{id}", (HttpContext context, string id, PaymentsApi api) => api.GetAsync(context, id));
        app.MapPost("/v1/payments/{id}/refunds", (HttpContext context, string id, PaymentsApi api) => api.RefundAsync(context, id));
        app.MapGet("/v1/payments/{id}/refunds", (HttpContext context, string id, PaymentsApi api) => api.ListRefundsAsync(context, id));

        app.MapPut("/v1/channels/{channel}/accounts/{accountId}", (HttpContext context, string channel, string accountId, ChannelsApi api) => api.PutAsync(context, channel, accountId));
        app.MapGet("/v1/channels/accounts", (HttpContext context, ChannelsApi api) => api.ListAsync(context));
        app.MapDelete("/v1/channels/{channel}/accounts/{accountId}", (HttpContext context, string channel, string accountId, ChannelsApi api) => api.DeleteAsync(context, channel, accountId));
        app.MapGet("/webhooks/{channel}/{accountId}", (HttpContext context, string channel, string accountId, ChannelWebhooksApi api) => api.HandshakeAsync(context, channel, accountId));
        app.MapPost("/webhooks/{channel}/{accountId}", (HttpContext context, string channel, string accountId, ChannelWebhooksApi api) => api.ReceiveAsync(context, channel, accountId));

        // Reached by providers and customers' browsers: no API key (the checkout is by link, as a PSP's page is).
        app.MapPost("/webhooks/payments/mollie", (HttpContext context, ProviderWebhooksApi api) => api.MollieAsync(context));
        app.MapGet("/sandbox/checkout/{paymentId}", (HttpContext context, string paymentId, SandboxCheckoutApi api) => api.PageAsync(context, paymentId));
        app.MapPost("/sandbox/checkout/{paymentId}", (HttpContext context, string paymentId, SandboxCheckoutApi api) => api.CompleteAsync(context, paymentId));
        app.MapGet("/payments/return", ReturnPageAsync);
        // A tenant's simulated customer phones: its API key, and only for tenants with the sandbox.
        app.MapPost("/sandbox/handsets/{address}/reply", (HttpContext context, string address, SandboxApi api) => api.ReplyAsync(context, address));
        app.MapGet("/sandbox/handsets/{address}/messages", (HttpContext context, string address, SandboxApi api) => api.ListAsync(context, address));

        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/ops/quarantine", (HttpContext context, QuarantineApi api) => api.ListAsync(context));
        app.MapPost("/ops/quarantine/{id}/replay", (HttpContext context, string id, QuarantineApi api) => api.ReplayAsync(context, id));
        app.MapGet("/health/live", HealthApi.LiveAsync);
        app.MapGet("/health/ready", (HttpContext context, HealthApi api) => api.ReadyAsync(context));
    }

    /// <summary>Where a provider sends the customer after paying: back to the chat.</summary>
    private static Task ReturnPageAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync("<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Bedankt</title></head>" +
            "<body style=\"font-family:system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px\"><h1>Bedankt!</h1><p>Je kunt terug naar de chat: de bevestiging komt daar binnen. / You can go back to the chat: the confirmation arrives there.</p></body></html>");
    }

    private static Task WriteUnhandledAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problem = error switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblem.TooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0),
            BadHttpRequestException bad => ApiProblem.BadRequest("The HTTP request could not be read: " + bad.Message),
            _ when StoreSelection.IsUnreachable(error) => ApiProblem.Unavailable("The store cannot be reached right now; nothing of this request was acknowledged. Retry shortly."),
            _ => ApiProblem.Internal(),
        };
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "2";
        }

        return ProblemWriter.WriteAsync(context, problem);
    }

    private static Task WriteStatusCodeAsync(StatusCodeContext context) => context.HttpContext.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => ProblemWriter.WriteAsync(context.HttpContext, ApiProblem.NotFound($"There is no resource at {context.HttpContext.Request.Path}.")),
        StatusCodes.Status405MethodNotAllowed => ProblemWriter.WriteAsync(context.HttpContext, ApiProblem.MethodNotAllowed()),
        _ => Task.CompletedTask,
    };

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Kafka dev cluster ({Brokers} broker(s)) at {Bootstrap}: other gateways join with --transport kafka --kafka-bootstrap {Bootstrap}")]
    private static partial void LogDevCluster(ILogger logger, int brokers, string bootstrap);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Role {Role} on the {Transport} log")]
    private static partial void LogRole(ILogger logger, string role, string transport);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Messaging gateway starting, data in {DataDir}, {Transport} log, {Store} store")]
    private static partial void LogStarting(ILogger logger, string dataDir, string transport, string store);
}
