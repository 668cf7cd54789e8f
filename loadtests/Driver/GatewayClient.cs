using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>The few gateway calls the scenarios make, each timed on the client.</summary>
internal sealed class GatewayClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _authorization;

    public GatewayClient(Uri baseAddress, string apiKey, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(2, connections),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public Task<ApiResponse> GetAsync(string path, bool authorize, CancellationToken cancellation) =>
        SendAsync(HttpMethod.Get, path, null, authorize, null, cancellation);

    public Task<ApiResponse> PostAsync(string path, JsonNode body, bool authorize, CancellationToken cancellation, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body.ToJsonString(), authorize, idempotencyKey, cancellation);

    /// <summary>A text message to a sandbox-delivered customer; the body the wrk scripts send too.</summary>
    public static JsonObject TextMessage(string channel, string to, string text) => new()
    {
        ["channel"] = channel,
        ["from"] = "+31850000000",
        ["to"] = to,
        ["content"] = new JsonObject { ["type"] = "text", ["text"] = text },
    };

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, bool authorize, string? idempotencyKey, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (authorize)
        {
            request.Headers.Authorization = _authorization;
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request, cancellation);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new ApiResponse(method.Method, path, (int)response.StatusCode, Parse(bytes), elapsed);
    }

    public void Dispose() => _http.Dispose();

    private static JsonNode? Parse(byte[] bytes)
    {
        if (bytes.Length == 0 || (bytes[0] != (byte)'{' && bytes[0] != (byte)'['))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
