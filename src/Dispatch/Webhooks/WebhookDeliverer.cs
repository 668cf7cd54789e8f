using System.Collections.Concurrent;
using System.Net.Http.Headers;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Webhooks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// Delivers the outbox to each tenant's endpoint, signed with the Standard Webhooks scheme.
/// Failures are retried with exponential backoff and jitter for the whole retry window (over
/// 24 h by default), then the event becomes a dead letter that can be redelivered; the next
/// attempt is timed from the end of the failed one, so an endpoint that hangs is not retried at once.
/// Every connection goes through <see cref="WebhookTargetPolicy"/>; what a failure reports
/// (<c>lastError</c>, dead letters) names what failed, never the endpoint's own answer.
/// </summary>
public sealed partial class WebhookDeliverer(IWebhookStore store, OutboxFeed feed, WebhookTargetPolicy policy, TimeProvider time, IOptions<WebhookOptions> options, ILogger<WebhookDeliverer> logger) : BackgroundService
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ConcurrentDictionary<string, TenantDeliveries> _tenants = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
        UseProxy = false, // the policy must judge the endpoint itself, not a proxy
        ConnectCallback = policy.ConnectAsync,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private CancellationToken _stopping;

    /// <summary>How the tenant's deliveries stand (null before its first event).</summary>
    public DeliveryStatus? StatusOf(string tenantId) => _tenants.TryGetValue(tenantId, out var tenant) ? tenant.Status : null;

    /// <summary>Queues an entry moved back from the dead letters.</summary>
    public void Redeliver(OutboxEntry entry) => Route(entry);

    public override void Dispose()
    {
        _http.Dispose();
        foreach (var tenant in _tenants.Values)
        {
            tenant.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var owned = new HashSet<int>();
        try
        {
            await foreach (var item in feed.Reader.ReadAllAsync(stoppingToken))
            {
                if (item.Entry is { } entry)
                {
                    // Only a partition given away has entries that are no longer ours; its new owner has them.
                    if (owned.Contains(entry.Partition))
                    {
                        Route(entry);
                    }
                }
                else if (item.Owned)
                {
                    // Before any new entry of the partition: the feed is in order with the dispatcher.
                    if (owned.Add(item.Partition))
                    {
                        await RouteStoredAsync(item.Partition, stoppingToken);
                    }
                }
                else if (owned.Remove(item.Partition))
                {
                    foreach (var tenant in _tenants.Values)
                    {
                        tenant.Forget(item.Partition);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        foreach (var tenant in _tenants.Values)
        {
            await tenant.DrainAsync(); // nothing may touch the store once the host closes it
        }
    }

    /// <summary>The partition's pending entries from the store; a failed read is retried, since nothing else would deliver them.</summary>
    private async Task RouteStoredAsync(int partition, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                foreach (var entry in await store.ReadOutboxAsync(partition, stoppingToken))
                {
                    Route(entry);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogOutboxReadFailed(partition, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private void Route(OutboxEntry entry) =>
        _tenants.GetOrAdd(entry.TenantId, _ => new TenantDeliveries(AttemptAsync, time, options.Value.MaxConcurrentPerTenant, _stopping)).Add(entry);

    /// <summary>
    /// One attempt. Whatever goes wrong inside it (the store refusing a read or a write, a bug)
    /// is a failed attempt retried with the same backoff, never an end to the conversation's
    /// deliveries: the entry stays in memory and in the outbox until one attempt completes.
    /// </summary>
    private async Task<DeliveryAttempt> AttemptAsync(OutboxEntry entry, CancellationToken stopping)
    {
        try
        {
            return await AttemptOnceAsync(entry, stopping);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            const string error = "the gateway could not complete the attempt; retrying";
            var attempts = entry.Attempts + 1;
            LogAttemptFailed(entry.EventId, entry.TenantId, attempts, ex);
            GatewayMetrics.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
            var settings = options.Value;
            return new DeliveryAttempt(error, entry with
            {
                Attempts = attempts,
                NextAttemptAt = time.GetUtcNow() + Backoff.Delay(settings.BaseRetryDelay, settings.MaxRetryDelay, attempts),
            });
        }
    }

    private async Task<DeliveryAttempt> AttemptOnceAsync(OutboxEntry entry, CancellationToken stopping)
    {
        var subscription = await store.GetSubscriptionAsync(entry.TenantId, stopping);
        var webhookEvent = await store.GetEventAsync(entry.TenantId, entry.Partition, entry.EventSeq, stopping);
        if (subscription is null || webhookEvent is null)
        {
            // No endpoint configured: the event stays readable through GET /v1/events.
            await store.CompleteOutboxAsync(entry, stopping);
            return new DeliveryAttempt(null, null);
        }

        var started = time.GetUtcNow();
        var error = await PostAsync(subscription, webhookEvent, started, stopping);
        if (error is null)
        {
            GatewayMetrics.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "delivered"));
            await store.CompleteOutboxAsync(entry, stopping);
            return new DeliveryAttempt(null, null);
        }

        var now = time.GetUtcNow(); // after the attempt: a 10 s timeout must not eat the backoff
        var settings = options.Value;
        var attempts = entry.Attempts + 1;
        var first = entry.FirstAttemptAt ?? started;
        if (now - first >= settings.RetryWindow)
        {
            LogDeadLetter(entry.EventId, entry.TenantId, attempts, error);
            GatewayMetrics.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "dead_lettered"));
            await store.DeadLetterAsync(new DeadLetter(entry with { Attempts = attempts, FirstAttemptAt = first, LastError = error }, now, error), stopping);
            return new DeliveryAttempt(error, null);
        }

        var retry = entry with
        {
            Attempts = attempts,
            FirstAttemptAt = first,
            NextAttemptAt = now + Backoff.Delay(settings.BaseRetryDelay, settings.MaxRetryDelay, attempts),
            LastError = error,
        };
        await store.UpdateOutboxAsync(retry, stopping);
        GatewayMetrics.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        LogRetry(entry.EventId, entry.TenantId, attempts, error);
        return new DeliveryAttempt(error, retry);
    }

    /// <summary>One signed POST; null on a 2xx, else what went wrong.</summary>
    private async Task<string?> PostAsync(WebhookSubscription subscription, WebhookEvent webhookEvent, DateTimeOffset now, CancellationToken stopping)
    {
        var secrets = new List<WebhookSecret>(subscription.Secrets.Count);
        foreach (var text in subscription.Secrets)
        {
            if (WebhookSecret.TryParse(text, out var secret, out _))
            {
                secrets.Add(secret);
            }
        }

        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(webhookEvent.Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, webhookEvent.Id);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secrets, webhookEvent.Id, timestamp, webhookEvent.Body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return $"no answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex)
        {
            return Describe(ex);
        }
    }

    /// <summary>What failed, in words safe to show the tenant: no remote body, no internal error text.</summary>
    private static string Describe(HttpRequestException ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case WebhookTargetRefusedException refused:
                    return "refused by the webhook URL policy: " + refused.Message;
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }:
                    return "connection refused";
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut }:
                    return "connection timed out";
            }
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host name not found",
            HttpRequestError.ConnectionError => "could not connect",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "the connection closed before a response",
            HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError => "invalid HTTP response",
            _ => "request failed",
        };
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Webhook {EventId} for tenant {TenantId} failed (attempt {Attempts}: {Error}); will retry")]
    private partial void LogRetry(string eventId, string tenantId, int attempts, string error);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Webhook {EventId} for tenant {TenantId} dead-lettered after {Attempts} attempts: {Error}")]
    private partial void LogDeadLetter(string eventId, string tenantId, int attempts, string error);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Reading the outbox of partition {Partition} failed; retrying in {DelayMs} ms")]
    private partial void LogOutboxReadFailed(int partition, double delayMs, Exception exception);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Error, Message = "Webhook {EventId} for tenant {TenantId}: attempt {Attempts} failed inside the gateway; will retry")]
    private partial void LogAttemptFailed(string eventId, string tenantId, int attempts, Exception exception);
}
