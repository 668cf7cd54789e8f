using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// What the provider channel tests (Messenger, Instagram, Telegram, SMS through CM) share, all
/// through the public API: saving an account, reading a message's status history, the business
/// webhook's <c>message.status</c> events per message, and posting to a provider webhook with
/// headers of the test's choosing (forged signatures, missing tokens).
/// </summary>
internal static class ProviderChannelKit
{
    /// <summary>The business webhook's secret (Standard Webhooks, base64 after <c>whsec_</c>).</summary>
    public const string BusinessSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Saves an account; fails the test unless it is 200; returns the answer (<c>webhookUrl</c>, …).</summary>
    public static async Task<JsonObject> PutAccountAsync(GatewayClient client, string channel, string accountId, string json)
    {
        using var put = await client.PutJsonAsync($"/v1/channels/{channel}/accounts/{accountId}", json);
        var account = await GatewayClient.ReadJsonAsync(put);
        Assert.True(put.StatusCode == HttpStatusCode.OK, account.ToJsonString());
        return account;
    }

    /// <summary>A text message as businesses post it.</summary>
    public static string Text(string channel, string from, string to, string text) => new JsonObject
    {
        ["channel"] = channel,
        ["from"] = from,
        ["to"] = to,
        ["content"] = new JsonObject { ["type"] = "text", ["text"] = text },
    }.ToJsonString();

    /// <summary><c>GET /v1/messages/{id}</c>.</summary>
    public static async Task<JsonObject> GetMessageAsync(GatewayClient client, string id)
    {
        using var response = await client.GetAsync($"/v1/messages/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await GatewayClient.ReadJsonAsync(response);
    }

    /// <summary>Waits until the message's status history satisfies <paramref name="condition"/>; returns the message.</summary>
    public static async Task<JsonObject> WaitForHistoryAsync(GatewayClient client, string id, Func<JsonArray, bool> condition, string what)
    {
        JsonObject message = null!;
        await Eventually.HoldsAsync(
            async () =>
            {
                message = await GetMessageAsync(client, id);
                return condition(message["statusHistory"]!.AsArray());
            },
            Patience,
            what);
        return message;
    }

    /// <summary>The entries of a status history with that status.</summary>
    public static List<JsonNode> Entries(JsonObject message, string status) =>
        [.. message["statusHistory"]!.AsArray().Where(h => h!["status"]!.GetValue<string>() == status).Select(h => h!)];

    /// <summary>When an entry of a status history (or an event) says it happened.</summary>
    public static DateTimeOffset At(JsonNode node) => DateTimeOffset.Parse(node["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>The <c>message.status</c> events the business webhook received for one message, in arrival order.</summary>
    public static List<string> StatusEvents(WebhookReceiver receiver, string messageId) =>
        [.. Events(receiver, "message.status").Where(e => e["data"]!["messageId"]!.GetValue<string>() == messageId).Select(e => e["data"]!["status"]!.GetValue<string>())];

    /// <summary>The events of one type the business webhook received, in arrival order.</summary>
    public static List<JsonNode> Events(WebhookReceiver receiver, string type) =>
        [.. receiver.Received.Select(w => JsonNode.Parse(w.BodyText)!).Where(e => e["type"]!.GetValue<string>() == type)];

    /// <summary>Waits until the business webhook has the <c>message.status</c> event <paramref name="status"/> for the message.</summary>
    public static Task WaitForStatusEventAsync(WebhookReceiver receiver, string messageId, string status) =>
        Eventually.HoldsAsync(() => StatusEvents(receiver, messageId).Contains(status), Patience, $"the business webhook got '{status}' for {messageId}");

    /// <summary>Posts <paramref name="body"/> to a provider webhook with exactly the given headers (none of the fakes' own signing).</summary>
    public static async Task<HttpStatusCode> PostAsync(GatewayClient anonymous, Uri url, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await anonymous.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The same bytes with one of them changed (a bit flipped inside the text, so it stays JSON).</summary>
    public static byte[] OneByteChanged(byte[] body, string inside)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        var at = text.IndexOf(inside, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{inside}' is not in the body");
        var changed = (byte[])body.Clone();
        changed[System.Text.Encoding.UTF8.GetByteCount(text[..at])] ^= 0x20; // 'v' → 'V': same length, still JSON
        return changed;
    }
}
