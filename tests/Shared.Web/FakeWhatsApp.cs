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
/// The WhatsApp Business Cloud API's send endpoint on Kestrel on a free loopback port, as
/// <c>shared/reference/channels.md</c> section 1 describes it: <c>POST /v21.0/{phoneNumberId}/messages</c>
/// with <c>Authorization: Bearer</c> per phone number, Meta's 200 and error bodies, and errors on
/// demand. Hooks post webhooks signed exactly like Meta (<c>X-Hub-Signature-256</c> over the raw
/// bytes). It depends on nothing of the code under test.
/// </summary>
public sealed partial class FakeWhatsApp : IAsyncDisposable
{
    private const string ApiVersion = "v21.0";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string PhoneNumberId, string To)> _sent = new(StringComparer.Ordinal);
    private readonly Queue<(int Code, int HttpStatus, int? RetryAfterSeconds)> _failures = new();
    private readonly List<FakeWhatsAppSend> _sends = [];
    private readonly HttpClient _webhookClient = new();
    private WebApplication? _app;
    private long _sequence;

    private FakeWhatsApp()
    {
    }

    /// <summary>The API base to give a client, e.g. <c>http://127.0.0.1:54321/v21.0/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The clock for the sends' receipt times (default: the system's).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Every send so far, in arrival order (failed ones included).</summary>
    public IReadOnlyList<FakeWhatsAppSend> Sends
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
    public static async Task<FakeWhatsApp> StartAsync()
    {
        var fake = new FakeWhatsApp();
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

    /// <summary>Lets <paramref name="accessToken"/> send from <paramref name="phoneNumberId"/> (replacing its earlier token).</summary>
    public void AddPhoneNumber(string phoneNumberId, string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        lock (_gate)
        {
            _tokens[phoneNumberId] = accessToken;
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> sends (with a valid token) answer Meta's error body with
    /// <c>error.code</c> <paramref name="code"/> and HTTP <paramref name="httpStatus"/> (e.g. 130429
    /// with 429, 131047 with 400, 131000 with 500), plus <c>Retry-After</c> when given; nothing is sent.
    /// </summary>
    public void FailNext(int count, int code, int httpStatus = 400, int? retryAfterSeconds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(httpStatus, 400);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((code, httpStatus, retryAfterSeconds));
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
        if (segments is not [ApiVersion, var phoneNumberId, "messages"])
        {
            await ErrorAsync(context.Response, 400, 100, "Unknown path components: " + request.Path.Value, null);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await ErrorAsync(context.Response, 400, 100, "Unsupported get request.", null);
            return;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var authorization = request.Headers.Authorization.ToString();
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
        string? wamid = null;
        (int Code, int HttpStatus, int? RetryAfterSeconds)? failure = null;
        string? to = json?["to"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? json["to"]!.GetValue<string>() : null;
        lock (_gate)
        {
            var authorized = _tokens.TryGetValue(phoneNumberId, out var token) && authorization == "Bearer " + token;
            if (!authorized)
            {
                status = 401;
            }
            else if (_failures.TryDequeue(out var next))
            {
                failure = next;
                status = next.HttpStatus;
            }
            else if (json is null || json["messaging_product"]?.ToString() != "whatsapp" || to is null || json["type"] is null)
            {
                status = 400;
            }
            else
            {
                status = 200;
                wamid = "wamid.HBgL" + Convert.ToHexString(BitConverter.GetBytes(++_sequence)) + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                _sent[wamid] = (phoneNumberId, to);
            }

            _sends.Add(new FakeWhatsAppSend(phoneNumberId, authorization.Length == 0 ? null : authorization, body, json, status, wamid, Time.GetUtcNow()));
        }

        if (status == 401)
        {
            await ErrorAsync(context.Response, 401, 190, "Invalid OAuth access token - Cannot parse access token", null);
        }
        else if (failure is { } error)
        {
            await ErrorAsync(context.Response, error.HttpStatus, error.Code, "(#" + error.Code.ToString(CultureInfo.InvariantCulture) + ") Error from the fake", error.RetryAfterSeconds);
        }
        else if (status == 400)
        {
            await ErrorAsync(context.Response, 400, 100, "(#100) Invalid parameter", null);
        }
        else
        {
            var answer = new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(new JsonObject { ["input"] = to, ["wa_id"] = to }),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = wamid }),
            };
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
        }
    }

    private static async Task ErrorAsync(HttpResponse response, int httpStatus, int code, string message, int? retryAfterSeconds)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = "OAuthException",
                ["code"] = code,
                ["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = message },
                ["fbtrace_id"] = "AbCdEfGhIjK",
            },
        };
        response.StatusCode = httpStatus;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await response.WriteAsync(body.ToJsonString());
    }
}
