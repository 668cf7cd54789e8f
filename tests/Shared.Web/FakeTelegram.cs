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
/// The Telegram Bot API on Kestrel on a free loopback port, as <c>shared/reference/channels.md</c>
/// section 3 describes it: <c>POST /bot{token}/{method}</c> (the path token is the only auth) for
/// <c>sendMessage</c>, <c>sendPhoto</c>, <c>sendVideo</c>, <c>sendAudio</c>, <c>sendDocument</c>,
/// <c>setWebhook</c> and <c>answerCallbackQuery</c>, answering <c>{"ok":true,"result":…}</c> or
/// <c>{"ok":false,"error_code":…,"description":…,"parameters":…}</c> with the HTTP status equal to
/// <c>error_code</c>. Message ids count per chat. Errors on demand (429 with <c>retry_after</c>,
/// blocked chats). Hooks post Updates with the secret-token header and keep the Bot API calls the
/// answers carry (<see cref="WebhookAnswers"/>). It depends on nothing of the code under test.
/// </summary>
public sealed partial class FakeTelegram : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly HashSet<string> SendMethods = new(StringComparer.Ordinal) { "sendMessage", "sendPhoto", "sendVideo", "sendAudio", "sendDocument" };

    private readonly Lock _gate = new();
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blockedChats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastMessageId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeTelegramWebhook> _webhooks = new(StringComparer.Ordinal);
    private readonly Queue<(int ErrorCode, string Description, int? RetryAfterSeconds)> _failures = new();
    private readonly List<FakeTelegramRequest> _requests = [];
    private readonly List<JsonObject> _webhookAnswers = [];
    private readonly HttpClient _webhookClient = new();
    private WebApplication? _app;
    private long _updateId = 10000000;

    private FakeTelegram()
    {
    }

    /// <summary>The API base to give a client, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The clock for message dates (default: the system's).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Every request so far, in arrival order (failed ones and setWebhook included).</summary>
    public IReadOnlyList<FakeTelegramRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The send requests so far (<c>send*</c> methods), in arrival order.</summary>
    public IReadOnlyList<FakeTelegramRequest> Sends
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests.Where(r => SendMethods.Contains(r.Method))];
            }
        }
    }

    /// <summary>Starts the fake on 127.0.0.1 with a free port.</summary>
    public static async Task<FakeTelegram> StartAsync()
    {
        var fake = new FakeTelegram();
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

    /// <summary>Lets the bot with <paramref name="botToken"/> (e.g. <c>123456:ABC-def</c>) use the API.</summary>
    public void AddBot(string botToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(botToken);
        lock (_gate)
        {
            _tokens.Add(botToken);
        }
    }

    /// <summary>Sends to <paramref name="chatId"/> answer 403 "Forbidden: bot was blocked by the user" from now on.</summary>
    public void BlockChat(string chatId)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        lock (_gate)
        {
            _blockedChats.Add(chatId);
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> sends (with a valid token) answer Telegram's error body with
    /// <paramref name="errorCode"/> (also the HTTP status) and <paramref name="description"/>, plus
    /// <c>parameters.retry_after</c> when given; nothing is sent.
    /// </summary>
    public void FailNext(int count, int errorCode, string description, int? retryAfterSeconds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(errorCode, 400);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue((errorCode, description, retryAfterSeconds));
            }
        }
    }

    /// <summary>The next <paramref name="count"/> sends answer 429 "Too Many Requests: retry after N" with <c>parameters.retry_after</c>.</summary>
    public void RateLimitNext(int count, int retryAfterSeconds) =>
        FailNext(count, 429, "Too Many Requests: retry after " + retryAfterSeconds.ToString(CultureInfo.InvariantCulture), retryAfterSeconds);

    /// <summary>The webhook the bot set with <c>setWebhook</c>, or null.</summary>
    public FakeTelegramWebhook? WebhookOf(string botToken)
    {
        lock (_gate)
        {
            return _webhooks.GetValueOrDefault(botToken);
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
        var segments = (request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not [var botSegment, var method] || !botSegment.StartsWith("bot", StringComparison.Ordinal))
        {
            await AnswerAsync(context.Response, 404, Error(404, "Not Found"));
            return;
        }

        var token = botSegment[3..];
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            // Recorded as not JSON; answered 400 below.
        }

        int status;
        JsonObject answer;
        long? messageId = null;
        lock (_gate)
        {
            var chatId = ChatId(json);
            if (!_tokens.Contains(token))
            {
                (status, answer) = (401, Error(401, "Unauthorized"));
            }
            else if (!HttpMethods.IsPost(request.Method) || json is not JsonObject)
            {
                (status, answer) = (400, Error(400, "Bad Request: invalid request body"));
            }
            else if (method == "setWebhook")
            {
                (status, answer) = SetWebhook(token, json);
            }
            else if (method == "answerCallbackQuery")
            {
                (status, answer) = (200, new JsonObject { ["ok"] = true, ["result"] = true });
            }
            else if (!SendMethods.Contains(method))
            {
                (status, answer) = (404, Error(404, "Not Found: method not found"));
            }
            else if (_failures.TryDequeue(out var failure))
            {
                (status, answer) = (failure.ErrorCode, Error(failure.ErrorCode, failure.Description, failure.RetryAfterSeconds));
            }
            else if (chatId is null)
            {
                (status, answer) = (400, Error(400, "Bad Request: chat_id is empty"));
            }
            else if (_blockedChats.Contains(chatId))
            {
                (status, answer) = (403, Error(403, "Forbidden: bot was blocked by the user"));
            }
            else if (!long.TryParse(chatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var numericChat))
            {
                (status, answer) = (400, Error(400, "Bad Request: chat not found"));
            }
            else if (MissingContent(method, json) is { } missing)
            {
                (status, answer) = (400, Error(400, "Bad Request: " + missing));
            }
            else
            {
                messageId = _lastMessageId[chatId] = _lastMessageId.GetValueOrDefault(chatId) + 1;
                var result = new JsonObject
                {
                    ["message_id"] = messageId,
                    ["from"] = new JsonObject { ["id"] = 7000000001, ["is_bot"] = true, ["first_name"] = "Shop", ["username"] = "shop_bot" },
                    ["chat"] = new JsonObject { ["id"] = numericChat, ["type"] = "private" },
                    ["date"] = Time.GetUtcNow().ToUnixTimeSeconds(),
                };
                if (json["text"] is { } text)
                {
                    result["text"] = text.DeepClone();
                }

                if (json["reply_markup"] is { } markup)
                {
                    result["reply_markup"] = markup.DeepClone();
                }

                (status, answer) = (200, new JsonObject { ["ok"] = true, ["result"] = result });
            }

            _requests.Add(new FakeTelegramRequest(token, method, body, json, status, messageId, Time.GetUtcNow()));
        }

        await AnswerAsync(context.Response, status, answer);
    }

    private (int Status, JsonObject Answer) SetWebhook(string token, JsonNode json)
    {
        var url = json["url"]?.GetValueKind() == JsonValueKind.String ? json["url"]!.GetValue<string>() : null;
        var secret = json["secret_token"]?.GetValueKind() == JsonValueKind.String ? json["secret_token"]!.GetValue<string>() : null;
        if (string.IsNullOrEmpty(url) || !url.StartsWith("https://", StringComparison.Ordinal) && !url.StartsWith("http://", StringComparison.Ordinal))
        {
            return (400, Error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"));
        }

        if (secret is not null && (secret.Length is 0 or > 256 || secret.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')))
        {
            return (400, Error(400, "Bad Request: secret token contains unallowed characters"));
        }

        List<string>? allowed = json["allowed_updates"] is JsonArray array ? [.. array.Select(a => a?.ToString() ?? string.Empty)] : null;
        _webhooks[token] = new FakeTelegramWebhook(url, secret, allowed);
        return (200, new JsonObject { ["ok"] = true, ["result"] = true, ["description"] = "Webhook was set" });
    }

    private static string? ChatId(JsonNode? json) => json?["chat_id"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => null,
    };

    private static string? MissingContent(string method, JsonNode json)
    {
        var field = method switch
        {
            "sendMessage" => "text",
            "sendPhoto" => "photo",
            "sendVideo" => "video",
            "sendAudio" => "audio",
            _ => "document",
        };
        return json[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0
            ? null
            : "message " + field + " is empty";
    }

    private static JsonObject Error(int code, string description, int? retryAfterSeconds = null)
    {
        var error = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfterSeconds is { } seconds)
        {
            error["parameters"] = new JsonObject { ["retry_after"] = seconds };
        }

        return error;
    }

    private static async Task AnswerAsync(HttpResponse response, int status, JsonObject answer)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(answer.ToJsonString());
    }
}
