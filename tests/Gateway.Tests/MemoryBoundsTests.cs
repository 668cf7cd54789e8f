using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using MessagingGateway.Gateway.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Hostile traffic leaves the managed heap where it was: error paths retain nothing, and large
/// bodies held open by slow clients share one budget instead of each growing Kestrel's memory pool.
/// Measured as the live heap after a full blocking GC (Kestrel's pooled blocks are live objects, so
/// they count), never as RSS over time.
/// </summary>
[Collection(nameof(MemoryBoundsTests))]
[CollectionDefinition(nameof(MemoryBoundsTests), DisableParallelization = true)]
public sealed class MemoryBoundsTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_hundred_thousand_bad_requests_leave_the_live_heap_where_it_was()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = gateway.BaseAddress };
        await SendBadRequestsAsync(http, 5_000);
        var before = LiveHeap();
        var gen2Before = GC.CollectionCount(2);

        await SendBadRequestsAsync(http, 100_000);

        var after = LiveHeap();
        output.WriteLine($"live heap {before / MiB} MiB → {after / MiB} MiB after 100,000 bad requests ({GC.CollectionCount(2) - gen2Before} gen2 GCs)");
        Assert.True(after - before < 24 * MiB, $"the live heap grew by {(after - before) / MiB} MiB");
    }

    [Fact]
    public async Task Large_bodies_held_open_by_slow_clients_share_one_budget()
    {
        const long Budget = 16 * MiB;
        const int Clients = 24;
        const int Sent = 6 * 1024 * 1024;
        await using var gateway = await InProcessGateway.StartAsync(null, "--Gateway:MaxBufferedBodyBytes=" + Budget);
        var budget = gateway.Services.GetRequiredService<BodyBudget>();
        var before = LiveHeap();

        // Each announces 7 MiB, sends 6 MiB of it and waits: without a budget that is 144 MiB held.
        var clients = new List<TcpClient>();
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
            {
                var tcp = new TcpClient();
                lock (clients)
                {
                    clients.Add(tcp);
                }

                await tcp.ConnectAsync(IPAddress.Loopback, gateway.BaseAddress.Port);
                var stream = tcp.GetStream();
                var head = $"POST /v1/messages/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TestTenants.AcmeKey}\r\nContent-Type: application/json\r\nContent-Length: {7 * 1024 * 1024}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                var chunk = new byte[64 * 1024];
                chunk.AsSpan().Fill((byte)' ');
                chunk[0] = (byte)'[';
                try
                {
                    for (var sent = 0; sent < Sent; sent += chunk.Length)
                    {
                        await stream.WriteAsync(chunk);
                        chunk[0] = (byte)' ';
                    }
                }
                catch (IOException)
                {
                    // Answered 503 and closed while we were still sending.
                }

                return await ReadStatusAsync(stream, TimeSpan.FromSeconds(3));
            }));

            var held = LiveHeap();
            var refused = answers.Count(status => status == 503);
            output.WriteLine($"POH {GC.GetGCMemoryInfo().GenerationInfo[4].SizeAfterBytes / MiB} MiB, LOH {GC.GetGCMemoryInfo().GenerationInfo[3].SizeAfterBytes / MiB} MiB");
            output.WriteLine($"live heap {before / MiB} MiB → {held / MiB} MiB with {Clients} clients holding 6 MiB each; {refused} answered 503; {budget.Reserved / MiB} MiB reserved");
            Assert.True(budget.Reserved <= Budget, $"{budget.Reserved} bytes reserved");
            Assert.True(refused >= Clients - (int)(Budget / Sent) - 1, $"only {refused} of {Clients} were refused: {string.Join(",", answers)}");
            // The budget, the read-ahead of each connection (64 KiB, rounded up generously), slack.
            Assert.True(held - before < Budget + (Clients * MiB / 4) + (12 * MiB), $"the live heap grew by {(held - before) / MiB} MiB");

            // Small requests never wait for the budget.
            using var client = gateway.Client();
            await client.SendAsync(GatewayClient.WhatsAppText("+31612345606", "nog steeds open"));
        }
        finally
        {
            foreach (var tcp in clients)
            {
                tcp.Dispose();
            }
        }

        await Eventually.HoldsAsync(() => budget.Reserved == 0, TimeSpan.FromSeconds(20), "every reservation given back");
    }

    private static async Task SendBadRequestsAsync(HttpClient http, int count)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < count)
            {
                using var request = BadRequest(n);
                using var response = await http.SendAsync(request);
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"request kind {n % 10}: {(int)response.StatusCode}");
                await response.Content.CopyToAsync(Stream.Null);
            }
        }));
    }

    private static readonly string Big = new('x', 100 * 1024);
    private static readonly string Garbage = "{\"messages\":[" + new string('[', 200 * 1024);

    /// <summary>Ten kinds of bad request, none of which stores anything.</summary>
    private static HttpRequestMessage BadRequest(int n)
    {
        var (method, path, body, contentType, key) = (n % 10) switch
        {
            0 => (HttpMethod.Post, "/v1/messages", "{\"channel\":", "application/json", true),
            1 => (HttpMethod.Post, "/v1/messages/batch", "{\"messages\\ud800\":[]}", "application/json", true),
            2 => (HttpMethod.Post, "/v1/messages", "{}", "text/plain", true),
            3 => (HttpMethod.Get, $"/v1/messages/not-a-guid-{n}", null, null, true),
            4 => (HttpMethod.Get, $"/nope/{n}", null, null, false),
            5 => (HttpMethod.Post, "/v1/messages", GatewayClient.WhatsAppText("+31612345678", "x"), "application/json", false),
            6 => (HttpMethod.Put, "/v1/webhook", "[1]", "application/json", true),
            7 => (HttpMethod.Post, "/v1/messages", Big, "application/json", true),
            8 => (HttpMethod.Post, "/v1/messages/batch", Garbage, "application/json", true),
            _ => (HttpMethod.Post, "/v1/messages", GatewayClient.WhatsAppText("12345", "x"), "application/json", true),
        };
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        if (key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTenants.AcmeKey);
        }

        return request;
    }

    private static long LiveHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The status code of the answer on <paramref name="stream"/>, or 0 when none came in time (still waiting for its body).</summary>
    private static async Task<int> ReadStatusAsync(NetworkStream stream, TimeSpan wait)
    {
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(line.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return 0;
        }
    }
}
