using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
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
/// CM.com's Business Messaging API on Kestrel on a free loopback port, as
/// <c>shared/reference/channels.md</c> section 4a describes it: <c>POST /v1.0/message</c> with the
/// product token in <c>X-CM-PRODUCTTOKEN</c> or <c>messages.authentication.producttoken</c>, CM's
/// answers (<c>details</c>, <c>errorCode</c>, <c>messages[]</c> with <c>status</c>, <c>reference</c>,
/// <c>messageErrorCode</c>), request failures and rejected messages on demand. Hooks post status
/// reports and MO messages in CM's JSON. It depends on nothing of the code under test.
/// </summary>
public sealed partial class FakeCm : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly Queue<(int ErrorCode, int HttpStatus, string Details, bool Rejected)> _failures = new();
    private readonly List<FakeCmSend> _sends = [];
    private readonly HttpClient _webhookClient = new();
    private WebApplication? _app;

    private FakeCm()
    {
    }

    /// <summary>The API base to give a client, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The clock for the sends and the hooks' times (default: the system's).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Every send so far, in arrival order (failed ones included).</summary>
    public IReadOnlyList<FakeCmSend> Sends
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
    public static async Task<FakeCm> StartAsync()
    {
        var fake = new FakeCm();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake._app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        fake.BaseAddress = new Uri(new Uri(address), "/");
        return fake;
    }

    /// <summary>Lets <paramref name="productToken"/> send.</summary>
    public void AddProductToken(string productToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(productToken);
        lock (_gate)
        {
            _tokens.Add(productToken);
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> sends (with a valid token) fail whole: HTTP
    /// <paramref name="httpStatus"/> with <c>errorCode</c> <paramref name="errorCode"/> (e.g. 102
    /// balance, 202 malformed, 500 internal) and no messages; nothing is sent.
    /// </summary>
    public void FailNext(int count, int errorCode, int httpStatus = 400, string? details = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((errorCode, httpStatus, details ?? "Error " + errorCode.ToString(CultureInfo.InvariantCulture) + " from the fake", false));
            }
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> sends answer HTTP 200 with <c>errorCode</c> 201 and the
    /// message <c>Rejected</c> with <paramref name="messageErrorCode"/> (e.g. 302 bad <c>to</c>, 401 spam).
    /// </summary>
    public void RejectNext(int count, int messageErrorCode, string? details = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((messageErrorCode, 200, details ?? "Rejected by the fake", true));
            }
        }
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
        if (request.Path.Value is not ("/v1.0/message" or "/v1.0/message/") || !HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = 404;
            return;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            // Recorded as not JSON; answered 202 below.
        }

        var header = request.Headers["X-CM-PRODUCTTOKEN"].ToString();
        var inBody = String(json?["messages"]?["authentication"]?["producttoken"]);
        var token = header.Length > 0 ? header : inBody;
        var msg = json?["messages"]?["msg"] as JsonArray;
        var first = msg is { Count: > 0 } && msg[0] is JsonObject item ? item : null;
        var reference = String(first?["reference"]);
        var to = first?["to"] is JsonArray { Count: > 0 } recipients && recipients[0] is JsonObject recipient ? String(recipient["number"]) : null;

        int status;
        JsonObject answer;
        lock (_gate)
        {
            if (token is null || !_tokens.Contains(token) || (header.Length > 0 && inBody is not null && inBody != header))
            {
                (status, answer) = (400, Answer(101, "No account found for the given authentication", []));
            }
            else if (json is null)
            {
                (status, answer) = (400, Answer(202, "Malformed request", []));
            }
            else if (msg is null || first is null)
            {
                (status, answer) = (400, Answer(203, "The 'msg' array is empty or invalid", []));
            }
            else if (_failures.TryDequeue(out var failure))
            {
                (status, answer) = failure.Rejected
                    ? (200, Answer(201, "Created 0 message(s)", [Result(to, "Rejected", reference, failure.Details, failure.ErrorCode)]))
                    : (failure.HttpStatus, Answer(failure.ErrorCode, failure.Details, []));
            }
            else if (String(first["from"]) is not { Length: > 0 })
            {
                (status, answer) = (400, Answer(301, "Invalid 'from'", []));
            }
            else if (to is null || to.StartsWith('+'))
            {
                (status, answer) = (400, Answer(302, "Invalid 'to'", []));
            }
            else if (String(first["body"]?["content"]) is not { Length: > 0 })
            {
                (status, answer) = (400, Answer(304, "Invalid 'body'", []));
            }
            else
            {
                (status, answer) = (200, Answer(0, "Created 1 message(s)", [Result(to, "Accepted", reference, null, 0)]));
            }

            _sends.Add(new FakeCmSend(token, header.Length > 0 ? header : null, body, json, status, (int)answer["errorCode"]!, reference, to, Time.GetUtcNow()));
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private static JsonObject Answer(int errorCode, string details, JsonNode[] messages) => new()
    {
        ["details"] = details,
        ["errorCode"] = errorCode,
        ["messages"] = new JsonArray(messages),
    };

    private static JsonObject Result(string? to, string status, string? reference, string? details, int errorCode) => new()
    {
        ["to"] = to,
        ["status"] = status,
        ["reference"] = reference,
        ["parts"] = status == "Accepted" ? 1 : 0,
        ["messageDetails"] = details,
        ["messageErrorCode"] = errorCode,
    };

    private static string? String(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
