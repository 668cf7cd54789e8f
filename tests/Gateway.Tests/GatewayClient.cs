using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>An HTTP client for one tenant, speaking the public API only.</summary>
public sealed class GatewayClient(Uri baseAddress, string? apiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient Http => _http;

    public static string WhatsAppText(string to, string text, string from = "+31850000000") =>
        "{\"channel\":\"whatsapp\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"content\":{\"type\":\"text\",\"text\":\"" + text + "\"}}";

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? idempotencyKey = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return SendAsync(request);
    }

    public Task<HttpResponseMessage> PutJsonAsync(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return SendAsync(request);
    }

    public static string SandboxText(string to, string text, string from = "+31850000000") =>
        "{\"channel\":\"sandbox\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"content\":{\"type\":\"text\",\"text\":\"" + text + "\"}}";

    /// <summary>Points the tenant's webhook at <paramref name="url"/>, signed with <paramref name="secret"/>.</summary>
    public async Task ConfigureWebhookAsync(Uri url, string secret, string? secondarySecret = null)
    {
        var body = new JsonObject { ["url"] = url.ToString(), ["secret"] = secret };
        if (secondarySecret is not null)
        {
            body["secondarySecret"] = secondarySecret;
        }

        using var response = await PutJsonAsync("/v1/webhook", body.ToJsonString());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Waits until the message's hand-over is stored (<c>providerMessageId</c> shows). A test that
    /// posts a provider's statuses only then takes the path real providers take: the fake records a
    /// send before our connector has its answer, and a status arriving in that gap is kept as an
    /// orphan, which is adopted later without the order of arrival.
    /// </summary>
    public async Task<JsonObject> WaitForHandOverAsync(string messageId, int timeoutSeconds = 20)
    {
        JsonObject? message = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await GetAsync($"/v1/messages/{messageId}");
                message = response.IsSuccessStatusCode ? await ReadJsonAsync(response) : null;
                return message?["providerMessageId"] is not null;
            },
            TimeSpan.FromSeconds(timeoutSeconds),
            $"the hand-over of message {messageId}");
        return message!;
    }

    /// <summary>
    /// Waits until the message has reached <paramref name="status"/>: it is the status now or in its history. Receipts can
    /// follow each other within milliseconds, so a poll may never see an intermediate status as the current one.
    /// </summary>
    public async Task<JsonObject> WaitForStatusAsync(string messageId, string status, int timeoutSeconds = 20)
    {
        JsonObject? message = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await GetAsync($"/v1/messages/{messageId}");
                message = response.IsSuccessStatusCode ? await ReadJsonAsync(response) : null;
                return message is not null && HasReached(message, status);
            },
            TimeSpan.FromSeconds(timeoutSeconds),
            $"message {messageId} reaching '{status}'");
        return message!;
    }

    private static bool HasReached(JsonObject message, string status)
    {
        if (message["status"]!.GetValue<string>() == status)
        {
            return true;
        }

        foreach (var entry in message["statusHistory"]?.AsArray() ?? [])
        {
            if (entry?["status"]?.GetValue<string>() == status)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the sandbox handset at <paramref name="address"/> received, in arrival order.</summary>
    public async Task<List<JsonObject>> HandsetInboxAsync(string address)
    {
        using var response = await GetAsync($"/sandbox/handsets/{address}/messages");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadJsonAsync(response))["items"]!.AsArray().Select(item => item!.AsObject())];
    }

    /// <summary>The tenant's whole event stream, following cursors.</summary>
    public async Task<List<JsonObject>> ReadEventsAsync() => (await ReadEventsAsync(pageSize: 200, after: null)).Events;

    /// <summary>The tenant's event stream after <paramref name="after"/>, page by page, and the cursor it ends at.</summary>
    public async Task<(List<JsonObject> Events, string? Cursor)> ReadEventsAsync(int pageSize, string? after)
    {
        var events = new List<JsonObject>();
        var cursor = after;
        while (true)
        {
            using var response = await GetAsync($"/v1/events?limit={pageSize}" + (cursor is null ? "" : "&after=" + cursor));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var page = await ReadJsonAsync(response);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= pageSize);
            cursor = page["nextCursor"]!.GetValue<string>();
            if (items.Count == 0)
            {
                return (events, cursor);
            }

            events.AddRange(items.Select(item => item!.AsObject()));
        }
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return _http.SendAsync(request);
    }

    /// <summary>Sends one message and returns the 202 body (fails the test otherwise).</summary>
    public async Task<JsonObject> SendAsync(string json)
    {
        using var response = await PostJsonAsync("/v1/messages", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Waits until the conversation's timeline holds <paramref name="count"/> messages (placed asynchronously after the 202).</summary>
    public Task WaitForTimelineAsync(string conversationId, int count) =>
        Eventually.HoldsAsync(
            async () =>
            {
                using var response = await GetAsync($"/v1/conversations/{conversationId}");
                return response.IsSuccessStatusCode
                    && (await ReadJsonAsync(response))["counts"]!["messages"]!.GetValue<long>() >= count;
            },
            TimeSpan.FromSeconds(20),
            $"{count} messages on conversation {conversationId}'s timeline");

    /// <summary>Every message of a conversation, following cursors page by page.</summary>
    public async Task<List<JsonObject>> ReadTimelineAsync(string conversationId, int pageSize = 50)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var path = $"/v1/conversations/{conversationId}/messages?limit={pageSize}" + (cursor is null ? "" : "&cursor=" + cursor);
            using var response = await GetAsync(path);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var page = await ReadJsonAsync(response);
            items.AddRange(page["items"]!.AsArray().Select(item => item!.AsObject()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return items;
    }

    public void Dispose() => _http.Dispose();
}
