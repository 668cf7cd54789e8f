using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>The fake's webhook side: Updates as Telegram posts them, with the secret-token header.</summary>
public sealed partial class FakeTelegram
{
    public const string SecretTokenHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>Posts an Update with a customer's text message in the private chat <paramref name="chatId"/>; a fresh <c>update_id</c> when none is given.</summary>
    public Task<HttpStatusCode> PostTextUpdateAsync(Uri url, string? secretToken, long chatId, string text, long? updateId = null, long? messageId = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, secretToken, TextUpdatePayload(updateId ?? NextUpdateId(), chatId, messageId ?? NextUpdateId(), text, Time.GetUtcNow()), cancellationToken);

    /// <summary>
    /// Posts an Update with a <c>callback_query</c>: the customer in <paramref name="chatId"/> pressed
    /// the inline button with <paramref name="data"/> (and <paramref name="buttonText"/>) under message <paramref name="messageId"/>.
    /// </summary>
    public Task<HttpStatusCode> PostCallbackAsync(Uri url, string? secretToken, long chatId, string data, string? buttonText = null, long messageId = 1, string? callbackQueryId = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, secretToken, CallbackPayload(NextUpdateId(), callbackQueryId ?? NextUpdateId().ToString(CultureInfo.InvariantCulture) + "4382", chatId, messageId, data, buttonText, Time.GetUtcNow()), cancellationToken);

    /// <summary>Posts <paramref name="bodyJson"/> byte for byte (UTF-8) with the secret-token header (none when null): for duplicates and junk.</summary>
    public async Task<HttpStatusCode> PostRawAsync(Uri url, string? secretToken, string bodyJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(bodyJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(bodyJson));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (secretToken is not null)
        {
            request.Headers.Add(SecretTokenHeader, secretToken);
        }

        using var response = await _webhookClient.SendAsync(request, cancellationToken);

        // "Making requests when getting updates": a JSON answer naming a method is a Bot API call Telegram runs.
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json"
            && JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is JsonObject { } answer && answer["method"] is JsonValue)
        {
            lock (_gate)
            {
                _webhookAnswers.Add(answer);
            }
        }

        return response.StatusCode;
    }

    /// <summary>The Bot API calls the answers to our webhook posts carried (<c>{"method":…,…}</c>), which Telegram runs without telling anyone the result.</summary>
    public IReadOnlyList<JsonObject> WebhookAnswers
    {
        get
        {
            lock (_gate)
            {
                return [.. _webhookAnswers];
            }
        }
    }

    /// <summary>The JSON Telegram posts for a text message in a private chat (channels.md section 3 "Inbound Update").</summary>
    public static string TextUpdatePayload(long updateId, long chatId, long messageId, string text, DateTimeOffset date) => new JsonObject
    {
        ["update_id"] = updateId,
        ["message"] = new JsonObject
        {
            ["message_id"] = messageId,
            ["from"] = User(chatId),
            ["chat"] = Chat(chatId),
            ["date"] = date.ToUnixTimeSeconds(),
            ["text"] = text,
        },
    }.ToJsonString();

    /// <summary>The JSON Telegram posts for a button press; the pressed message carries the button in its inline keyboard.</summary>
    public static string CallbackPayload(long updateId, string callbackQueryId, long chatId, long messageId, string data, string? buttonText, DateTimeOffset messageDate) => new JsonObject
    {
        ["update_id"] = updateId,
        ["callback_query"] = new JsonObject
        {
            ["id"] = callbackQueryId,
            ["from"] = User(chatId),
            ["message"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["from"] = new JsonObject { ["id"] = 7000000001, ["is_bot"] = true, ["first_name"] = "Shop", ["username"] = "shop_bot" },
                ["chat"] = Chat(chatId),
                ["date"] = messageDate.ToUnixTimeSeconds(),
                ["text"] = "Pick",
                ["reply_markup"] = new JsonObject
                {
                    ["inline_keyboard"] = new JsonArray(new JsonArray(new JsonObject { ["text"] = buttonText ?? data, ["callback_data"] = data })),
                },
            },
            ["chat_instance"] = "-8121000000000000000",
            ["data"] = data,
        },
    }.ToJsonString();

    private static JsonObject User(long id) => new() { ["id"] = id, ["is_bot"] = false, ["first_name"] = "Ann", ["language_code"] = "en" };

    private static JsonObject Chat(long id) => new() { ["id"] = id, ["first_name"] = "Ann", ["type"] = "private" };

    private long NextUpdateId() => Interlocked.Increment(ref _updateId);
}
