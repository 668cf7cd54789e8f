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
    public async Task WaitForTimelineAsync(string conversationId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        long seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await GetAsync($"/v1/conversations/{conversationId}");
            if (response.IsSuccessStatusCode)
            {
                seen = (await ReadJsonAsync(response))["counts"]!["messages"]!.GetValue<long>();
                if (seen >= count)
                {
                    return;
                }
            }

            await Task.Delay(25);
        }

        Assert.Fail($"Conversation {conversationId} reached {seen} of {count} messages on its timeline.");
    }

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
