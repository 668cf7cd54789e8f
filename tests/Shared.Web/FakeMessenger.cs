using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// Meta's Send API for Messenger and Instagram on Kestrel on a free loopback port, as
/// <c>shared/reference/channels.md</c> section 2 describes it: <c>POST /v21.0/{pageId}/messages</c>
/// with the page token (query <c>access_token</c> or <c>Authorization: Bearer</c>) per page or IG
/// account id, <c>{recipient_id, message_id}</c> or Meta's error body, and errors on demand. Hooks
/// post webhooks signed like Meta (<c>X-Hub-Signature-256</c> over the raw bytes) with
/// <see cref="WebhookObject"/> <c>page</c> or <c>instagram</c>. It depends on nothing of the code under test.
/// </summary>
public sealed partial class FakeMessenger : IAsyncDisposable
{
    private const string ApiVersion = "v21.0";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly Queue<(int Code, int? Subcode, int HttpStatus, int? RetryAfterSeconds)> _failures = new();
    private readonly List<FakeMessengerSend> _sends = [];
    private readonly HttpClient _webhookClient = new();
    private WebApplication? _app;
    private long _sequence;

    private FakeMessenger()
    {
    }

    /// <summary>The API base to give a client, e.g. <c>http://127.0.0.1:54321/v21.0/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The clock for the sends' receipt times and the webhooks' timestamps (default: the system's).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>The webhooks' <c>object</c>: <c>page</c> (Messenger, the default) or <c>instagram</c>.</summary>
    public string WebhookObject { get; set; } = "page";

    /// <summary>Every send so far, in arrival order (failed ones included).</summary>
    public IReadOnlyList<FakeMessengerSend> Sends
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends];
            }
        }
    }

    /// <summary>Starts the fake on 127.0.0.1 with a free port.</summary>
    public static async Task<FakeMessenger> StartAsync()
    {
        var fake = new FakeMessenger();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake._app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        fake.BaseAddress = new Uri(new Uri(address), "/" + ApiVersion + "/");
        return fake;
    }

    /// <summary>Lets <paramref name="pageAccessToken"/> send from the page or IG account <paramref name="pageId"/> (replacing its earlier token).</summary>
    public void AddPage(string pageId, string pageAccessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(pageId);
        ArgumentException.ThrowIfNullOrEmpty(pageAccessToken);
        lock (_gate)
        {
            _tokens[pageId] = pageAccessToken;
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> sends (with a valid token) answer Meta's error body with
    /// <c>error.code</c> <paramref name="code"/> (and <c>error_subcode</c>) and HTTP
    /// <paramref name="httpStatus"/> (e.g. 10/2018278 outside the window, 551/1545041 person
    /// unavailable, 613 rate limit), plus <c>Retry-After</c> when given; nothing is sent.
    /// </summary>
    public void FailNext(int count, int code, int httpStatus = 400, int? subcode = null, int? retryAfterSeconds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(httpStatus, 400);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((code, subcode, httpStatus, retryAfterSeconds));
            }
        }
    }

    /// <summary>Meta's signature header value for <paramref name="body"/>: <c>sha256=</c> and the lowercase hex HMAC-SHA256 keyed with the app secret.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret)
    {
        ArgumentNullException.ThrowIfNull(appSecret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));
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

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not [ApiVersion, var pageId, "messages"])
        {
            await ErrorAsync(context.Response, 400, 100, null, "Unknown path components: " + request.Path.Value, null);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await ErrorAsync(context.Response, 400, 100, null, "Unsupported get request.", null);
            return;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var authorization = request.Headers.Authorization.ToString();
        var accessToken = request.Query["access_token"].ToString() is { Length: > 0 } fromQuery ? fromQuery
            : authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..]
            : null;
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            // Recorded as not JSON; answered 400 below.
        }

        int status;
        string? mid = null;
        (int Code, int? Subcode, int HttpStatus, int? RetryAfterSeconds)? failure = null;
        var recipient = json?["recipient"]?["id"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? json["recipient"]!["id"]!.GetValue<string>() : null;
        lock (_gate)
        {
            var authorized = accessToken is not null && _tokens.TryGetValue(pageId, out var token) && accessToken == token;
            if (!authorized)
            {
                status = 401;
            }
            else if (_failures.TryDequeue(out var next))
            {
                failure = next;
                status = next.HttpStatus;
            }
            else if (json is null || recipient is null || json["message"] is not JsonObject)
            {
                status = 400;
            }
            else
            {
                status = 200;
                mid = "m_" + Convert.ToHexString(BitConverter.GetBytes(++_sequence)) + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
            }

            _sends.Add(new FakeMessengerSend(pageId, accessToken, authorization.Length > 0 ? authorization : null, request.QueryString.Value ?? string.Empty, body, json, status, mid, Time.GetUtcNow()));
        }

        if (status == 401)
        {
            await ErrorAsync(context.Response, 401, 190, null, "Invalid OAuth access token - Cannot parse access token", null);
        }
        else if (failure is { } error)
        {
            await ErrorAsync(context.Response, error.HttpStatus, error.Code, error.Subcode, "(#" + error.Code.ToString(CultureInfo.InvariantCulture) + ") Error from the fake", error.RetryAfterSeconds);
        }
        else if (status == 400)
        {
            await ErrorAsync(context.Response, 400, 100, null, "(#100) Invalid parameter", null);
        }
        else
        {
            var answer = new JsonObject { ["recipient_id"] = recipient, ["message_id"] = mid };
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
        }
    }

    private static async Task ErrorAsync(HttpResponse response, int httpStatus, int code, int? subcode, string message, int? retryAfterSeconds)
    {
        var error = new JsonObject
        {
            ["message"] = message,
            ["type"] = "OAuthException",
            ["code"] = code,
        };
        if (subcode is { } sub)
        {
            error["error_subcode"] = sub;
        }

        error["fbtrace_id"] = "AbCdEfGhIjK";
        response.StatusCode = httpStatus;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await response.WriteAsync(new JsonObject { ["error"] = error }.ToJsonString());
    }
}
