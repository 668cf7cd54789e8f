using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Whatever a client sends, the answer is a problem+json, never an empty body or a 500: requests
/// Kestrel rejects before any middleware, bodies over a limit, and JSON escapes that are not text.
/// </summary>
public sealed class HttpRejectionTests : GatewayTest
{
    public static TheoryData<string, int, string> KestrelRejections => new()
    {
        { "GET /v1/messages/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad-request" },
        { "GET /v1/messages/" + new string('a', 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri-too-long" },
        { "GET /v1/messages/x HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 40_000) + "\r\n\r\n", 431, "headers-too-large" },
        { "GET /v1/messages/x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, "bad-request" },
        { "GET /v1/messages/x HTTP/7.1\r\nHost: x\r\n\r\n", 505, "http-version-not-supported" },
        { "BREW\r\n\r\n", 400, "bad-request" },
    };

    [Theory]
    [MemberData(nameof(KestrelRejections))]
    public async Task Requests_kestrel_rejects_itself_get_a_problem_body(string request, int status, string slug)
    {
        var (head, body) = await RawAsync(request);

        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.Ordinal);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.Equal("urn:problem:messaging-gateway:" + slug, problem["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_keep_alive_connection_is_not_disturbed_by_the_rejection_watch()
    {
        // Two pipelined requests on one connection, then a rejected one: the first two are untouched.
        var request = $"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/messages/nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TestTenants.AcmeKey}\r\n\r\nGET /a%00 HTTP/1.1\r\nHost: x\r\n\r\n";
        var (all, _) = await RawAsync(request);
        var statuses = all.Split("\r\n").Where(line => line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 400 Bad Request"], statuses);
    }

    [Fact]
    public async Task A_property_name_with_a_lone_surrogate_escape_is_a_400_not_a_500()
    {
        foreach (var path in (string[])["/v1/messages/batch", "/v1/webhook"])
        {
            var request = new HttpRequestMessage(path == "/v1/webhook" ? HttpMethod.Put : HttpMethod.Post, path)
            {
                Content = new StringContent("""{"messages\ud800":[]}""", Encoding.UTF8, "application/json"),
            };
            using var response = await Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // Inside one message it is a problem with the message (the field, where the reader knows it).
        foreach (var body in (string[])["""{"messages\ud800":1}""", """{"channel":"sandbox","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"\ud800"}}"""])
        {
            using var single = await Client.PostJsonAsync("/v1/messages", body);
            Assert.True((int)single.StatusCode is 400 or 422, $"{body} → {(int)single.StatusCode}");
            Assert.Equal("application/problem+json", single.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_names_the_endpoints_limit()
    {
        const int limit = 8 * 1024 * 1024;
        var chunk = new string(' ', 64 * 1024);
        var content = new PushStreamContentOfSize(chunk, (limit / chunk.Length) + 2);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages/batch") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request);

        var problem = await GatewayClient.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, problem.ToJsonString());
        Assert.Equal($"The limit for this endpoint is {limit} bytes.", problem["detail"]!.GetValue<string>());
    }

    /// <summary>Sends bytes as they are and reads until the server closes: the head and the last body.</summary>
    private async Task<(string Head, string Body)> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var read = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(read, timeout.Token);
        var text = Encoding.UTF8.GetString(read.ToArray());
        var lastHead = text.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal);
        var end = text.IndexOf("\r\n\r\n", lastHead, StringComparison.Ordinal);
        return (text, text[(end + 4)..]);
    }

    /// <summary>A body of <paramref name="count"/> copies of <paramref name="chunk"/> with no length given, inside one JSON string.</summary>
    private sealed class PushStreamContentOfSize(string chunk, int count) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var bytes = Encoding.ASCII.GetBytes(chunk);
            await stream.WriteAsync("{\"messages\":[\""u8.ToArray());
            try
            {
                for (var i = 0; i < count; i++)
                {
                    await stream.WriteAsync(bytes);
                }

                await stream.WriteAsync("\"]}"u8.ToArray());
            }
            catch (IOException)
            {
                // The server stopped reading once the limit was passed.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Connections_over_the_configured_cap_are_closed_until_one_frees_up()
    {
        await using var gateway = await InProcessGateway.StartAsync(null, "--Gateway:MaxConnections=2");
        var port = gateway.BaseAddress.Port;
        using var first = await OpenAsync(port);
        using var second = await OpenAsync(port);

        using (var third = await OpenAsync(port))
        {
            Assert.Null(await TryHealthAsync(third));
        }

        first.Dispose();
        await Eventually.HoldsAsync(async () =>
        {
            using var again = await OpenAsync(port);
            return await TryHealthAsync(again) is "HTTP/1.1 200 OK";
        }, TimeSpan.FromSeconds(10), "a new connection after one freed up");
        Assert.Equal("HTTP/1.1 200 OK", await TryHealthAsync(second));
    }

    private static async Task<TcpClient> OpenAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return tcp;
    }

    /// <summary>The status line of GET /health/live on the connection, or null when the server closed it.</summary>
    private static async Task<string?> TryHealthAsync(TcpClient tcp)
    {
        try
        {
            var stream = tcp.GetStream();
            await stream.WriteAsync("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buffer = new byte[1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read == 0 ? null : Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
