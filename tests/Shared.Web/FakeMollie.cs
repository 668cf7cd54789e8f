using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// Mollie's Payments and Refunds API (v2) on Kestrel on a free loopback port, as
/// <c>shared/reference/mollie.md</c> describes it: Bearer keys, problem JSON, HAL links, the 1 h
/// idempotency cache, refund rules and paging. Hooks let a test play Mollie's part: change a
/// payment's or refund's status, fail the next requests, and post the classic webhook. It depends
/// on nothing of the code under test.
/// </summary>
public sealed partial class FakeMollie : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly HashSet<string> _apiKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaymentState> _payments = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ApiKey, string Key), IdempotentCall> _idempotency = [];
    private readonly Queue<(int Status, int RetryAfterSeconds)> _failures = new();
    private readonly List<FakeMollieRequest> _requests = [];
    private readonly List<FakeMollieWebhookAttempt> _webhookAttempts = [];
    private readonly HttpClient _webhookClient = new();
    private WebApplication? _app;

    private FakeMollie()
    {
    }

    /// <summary>The API base to give a client, e.g. <c>http://127.0.0.1:54321/v2/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The clock for timestamps and the idempotency window (default: the system's).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>When set, a refund of the same amount as a live refund of the payment answers 409 "A duplicate refund has been detected".</summary>
    public bool DetectDuplicateRefunds { get; set; }

    /// <summary>The most refunds on one page, whatever <c>limit</c> asks (Mollie: 250); lower it to test paging.</summary>
    public int MaxPageSize { get; set; } = 250;

    /// <summary>How many times <see cref="NotifyAsync"/> posts before giving up (Mollie: 10).</summary>
    public int WebhookMaxAttempts { get; set; } = 10;

    /// <summary>The wait between webhook attempts (Mollie: minutes to hours; here short).</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long one webhook attempt may take before it counts as failed (Mollie: 15 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeMollieRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every webhook attempt so far, in order.</summary>
    public IReadOnlyList<FakeMollieWebhookAttempt> WebhookAttempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _webhookAttempts];
            }
        }
    }

    /// <summary>Every payment, oldest first.</summary>
    public IReadOnlyList<FakeMolliePayment> Payments
    {
        get
        {
            lock (_gate)
            {
                return [.. _payments.Values.OrderBy(p => p.Sequence).Select(p => p.Snapshot())];
            }
        }
    }

    /// <summary>Starts the fake; only <paramref name="apiKeys"/> (each <c>test_…</c> or <c>live_…</c>) authenticate.</summary>
    public static async Task<FakeMollie> StartAsync(params string[] apiKeys)
    {
        ArgumentNullException.ThrowIfNull(apiKeys);
        var fake = new FakeMollie();
        foreach (var key in apiKeys)
        {
            fake.AddApiKey(key);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake._app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        fake.BaseAddress = new Uri(new Uri(address), "/v2/");
        return fake;
    }

    /// <summary>Lets one more key in (another tenant's account: it sees only its own payments).</summary>
    public void AddApiKey(string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        if (!apiKey.StartsWith("test_", StringComparison.Ordinal) && !apiKey.StartsWith("live_", StringComparison.Ordinal))
        {
            throw new ArgumentException("Mollie keys start with test_ or live_.", nameof(apiKey));
        }

        lock (_gate)
        {
            _apiKeys.Add(apiKey);
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> requests (any path) answer <paramref name="statusCode"/>
    /// (429, 500, 503, …) with problem JSON and create nothing; a 429 carries <c>Retry-After</c>.
    /// </summary>
    public void FailNext(int count, int statusCode, int retryAfterSeconds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((statusCode, retryAfterSeconds));
            }
        }
    }

    /// <summary>How many requests reached <paramref name="path"/> (e.g. <c>/v2/payments</c>), with <paramref name="method"/> when given.</summary>
    public int RequestCount(string path, string? method = null)
    {
        lock (_gate)
        {
            return _requests.Count(r => string.Equals(r.Path, path, StringComparison.Ordinal)
                                        && (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)));
        }
    }

    /// <summary>The payment as it is now, or null.</summary>
    public FakeMolliePayment? GetPayment(string paymentId)
    {
        lock (_gate)
        {
            return _payments.TryGetValue(paymentId, out var payment) ? payment.Snapshot() : null;
        }
    }

    /// <summary>
    /// Moves a payment to <paramref name="status"/> (<c>open</c>, <c>pending</c>, <c>authorized</c>,
    /// <c>paid</c>, <c>canceled</c>, <c>expired</c>, <c>failed</c>) and stamps the matching time
    /// (<c>paidAt</c>, …). A paid payment shows <c>amountRefunded</c> and <c>amountRemaining</c>.
    /// </summary>
    public void SetPaymentStatus(string paymentId, string status)
    {
        if (!PaymentStatuses.Contains(status))
        {
            throw new ArgumentException($"\"{status}\" is not a Mollie payment status.", nameof(status));
        }

        lock (_gate)
        {
            var payment = _payments.TryGetValue(paymentId, out var found) ? found : throw new KeyNotFoundException(paymentId);
            var now = Time.GetUtcNow();
            payment.Status = status;
            switch (status)
            {
                case "paid":
                    payment.PaidAt ??= now;
                    break;
                case "authorized":
                    payment.AuthorizedAt ??= now;
                    break;
                case "canceled":
                    payment.CanceledAt ??= now;
                    break;
                case "expired":
                    payment.ExpiredAt ??= now;
                    break;
                case "failed":
                    payment.FailedAt ??= now;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Moves a refund to <paramref name="status"/>; a failed or canceled refund gives its amount back to <c>amountRemaining</c>.</summary>
    public void SetRefundStatus(string paymentId, string refundId, string status)
    {
        if (!RefundStatuses.Contains(status))
        {
            throw new ArgumentException($"\"{status}\" is not a Mollie refund status.", nameof(status));
        }

        lock (_gate)
        {
            var payment = _payments.TryGetValue(paymentId, out var found) ? found : throw new KeyNotFoundException(paymentId);
            var refund = payment.Refunds.Find(r => r.Id == refundId) ?? throw new KeyNotFoundException(refundId);
            refund.Status = status;
        }
    }

    /// <summary>
    /// Posts Mollie's classic webhook, <c>id=tr_…</c> form-encoded, to the payment's <c>webhookUrl</c>,
    /// again after <see cref="WebhookRetryDelay"/> until it is answered 200, at most
    /// <see cref="WebhookMaxAttempts"/> times. Returns this call's attempts (also kept in <see cref="WebhookAttempts"/>).
    /// </summary>
    public async Task<IReadOnlyList<FakeMollieWebhookAttempt>> NotifyAsync(string paymentId, CancellationToken cancellationToken = default)
    {
        Uri url;
        lock (_gate)
        {
            var payment = _payments.TryGetValue(paymentId, out var found) ? found : throw new KeyNotFoundException(paymentId);
            url = payment.WebhookUrl is { } webhookUrl
                ? new Uri(webhookUrl)
                : throw new InvalidOperationException($"Payment {paymentId} has no webhookUrl.");
        }

        var attempts = new List<FakeMollieWebhookAttempt>();
        for (var attempt = 1; attempt <= WebhookMaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(WebhookRetryDelay, cancellationToken);
            }

            int status;
            string? error = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(WebhookTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("id", paymentId)]),
                };
                request.Headers.UserAgent.ParseAdd("Mollie HTTP client/1.0");
                using var response = await _webhookClient.SendAsync(request, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                status = 0;
                error = e.Message;
            }

            var record = new FakeMollieWebhookAttempt(paymentId, url, attempt, status, error, Time.GetUtcNow());
            attempts.Add(record);
            lock (_gate)
            {
                _webhookAttempts.Add(record);
            }

            if (record.Delivered)
            {
                break;
            }
        }

        return attempts;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        _webhookClient.Dispose();
    }

    /// <summary>Creates payments but holds back the 201 (a response lost between Mollie and the caller).</summary>
    public bool HoldPaymentCreates { get; set; }

    /// <summary>Completes once a payment was created and its answer is being held back.</summary>
    public Task PaymentCreateHeld => _createHeld.Task;

    private readonly TaskCompletionSource _createHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var call = new Call(
            request.Method,
            request.Path.Value ?? "/",
            request.QueryString.Value ?? string.Empty,
            Header(request.Headers, "Authorization"),
            Header(request.Headers, "Idempotency-Key"),
            body);

        Reply reply;
        lock (_gate)
        {
            reply = Answer(call);
            _requests.Add(new FakeMollieRequest(
                call.Method,
                call.Path,
                call.Query,
                call.Authorization,
                call.IdempotencyKey,
                request.ContentType,
                Header(request.Headers, "Accept"),
                body,
                reply.Status,
                reply.Replayed,
                Time.GetUtcNow()));
        }

        if (HoldPaymentCreates && reply.Status == 201 && call.Method == "POST" && call.Path == "/v2/payments")
        {
            // Created here, never answered: the caller sees nothing until it gives up or dies.
            _createHeld.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var response = context.Response;
        response.StatusCode = reply.Status;
        if (reply.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        if (reply.Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        if (reply.Body is not null)
        {
            response.ContentType = "application/hal+json; charset=utf-8";
            await response.WriteAsync(reply.Body, context.RequestAborted);
        }
    }

    /// <summary>Injected failures, then the key, then the idempotency cache, then the endpoint. Runs under the lock.</summary>
    private Reply Answer(Call call)
    {
        if (_failures.TryDequeue(out var failure))
        {
            return failure.Status == 429
                ? Problem(429, "Too Many Requests", "You have exceeded the rate limit. Please slow down your requests.") with { RetryAfterSeconds = failure.RetryAfterSeconds }
                : Problem(failure.Status, ReasonPhrases.GetReasonPhrase(failure.Status), "The service is temporarily unavailable; this fake was told to fail.");
        }

        if (!TryAuthenticate(call.Authorization, out var apiKey))
        {
            return Problem(401, "Unauthorized Request", "Missing authentication, or failed to authenticate");
        }

        if (!HttpMethods.IsPost(call.Method) || string.IsNullOrEmpty(call.IdempotencyKey))
        {
            return Route(call, apiKey);
        }

        var now = Time.GetUtcNow();
        var cacheKey = (apiKey, call.IdempotencyKey);
        if (_idempotency.TryGetValue(cacheKey, out var earlier) && now - earlier.At < IdempotencyWindow)
        {
            return earlier.Path == call.Path && SameBody(earlier.Body, call.Body)
                ? earlier.Reply with { Replayed = true }
                : Problem(400, "Bad Request", "The Idempotency-Key was already used for a different request.");
        }

        var reply = Route(call, apiKey);
        if (reply.Status < 500)
        {
            _idempotency[cacheKey] = new IdempotentCall(call.Path, call.Body, reply, now);
        }

        return reply;
    }

    private bool TryAuthenticate(string? authorization, out string apiKey)
    {
        const string Scheme = "Bearer ";
        apiKey = string.Empty;
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        apiKey = authorization[Scheme.Length..].Trim();
        return _apiKeys.Contains(apiKey);
    }

    private static bool SameBody(string first, string second)
    {
        if (string.Equals(first, second, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(first), JsonNode.Parse(second));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    private sealed record Call(string Method, string Path, string Query, string? Authorization, string? IdempotencyKey, string Body);

    private sealed record Reply(int Status, string? Body, int? RetryAfterSeconds = null, bool Replayed = false);

    private sealed record IdempotentCall(string Path, string Body, Reply Reply, DateTimeOffset At);
}
