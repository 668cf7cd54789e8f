using System.Net.Sockets;
using System.Text;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Bytes allocated per accepted message on the accept path (<c>--role gateway</c>: Kestrel, auth,
/// parse, validate, the log append and the message rows; no dispatch in the process), counted
/// over every thread. Allocation counts do not depend on the machine's speed, so unlike a time
/// they can be asserted; the ceilings are today's figures with a margin, to catch regressions
/// (the target, and how far from it, is in docs/performance.md). Counted over the whole process,
/// so the class runs alone: other test classes' gateways would count too.
/// </summary>
[Collection(nameof(AcceptAllocationTests))]
[CollectionDefinition(nameof(AcceptAllocationTests), DisableParallelization = true)]
public sealed class AcceptAllocationTests
{
    private const int Connections = 4;
    private const int WarmUpPerConnection = 100;
    private const int MeasuredPerConnection = 500;

    // Measured here (Debug build, as dotnet test runs it) on 2026-11-29: 11,285 B per single send
    // (17,270 before the envelope stopped growing a 4 KiB writer per request), 5,383 B per batched
    // message (6,239); on 2026-11-30, with log records in the binary envelope layout instead of
    // JSON, 10,788 B and 4,441 B; later that day, with ASP.NET Core's hosting diagnostics no longer
    // starting an Activity and a log scope per request, 9,766 B and 4,400 B. The ceilings leave
    // about 7-9 % for noise from background timers.
    private const long SingleSendCeiling = 10_500;
    private const long BatchedMessageCeiling = 4_800;

    [Fact]
    public async Task A_single_send_allocates_at_most_its_budget()
    {
        await using var gateway = await InProcessGateway.StartAsync(null, "--role", "gateway", "--Logging:LogLevel:Default=Warning");
        var perMessage = await MeasureAsync(gateway, i => Request("/v1/messages", Item(i)), messagesPerRequest: 1);
        Assert.True(perMessage <= SingleSendCeiling, $"{perMessage:N0} B allocated per single send; the budget is {SingleSendCeiling:N0} B.");
    }

    [Fact]
    public async Task A_batched_message_allocates_at_most_its_budget()
    {
        const int batch = 100;
        await using var gateway = await InProcessGateway.StartAsync(null, "--role", "gateway", "--Logging:LogLevel:Default=Warning");
        var perMessage = await MeasureAsync(gateway, i => Request("/v1/messages/batch", "{\"messages\":[" + string.Join(',', Enumerable.Range(i * batch, batch).Select(Item)) + "]}"), messagesPerRequest: batch);
        Assert.True(perMessage <= BatchedMessageCeiling, $"{perMessage:N0} B allocated per batched message; the budget is {BatchedMessageCeiling:N0} B.");
    }

    private static string Item(int i) =>
        $$$"""{"channel":"whatsapp","from":"+31850000000","to":"+3161{{{i % 10_000:D7}}}","content":{"type":"text","text":"Hi Anna, your order #10452 has shipped and arrives tomorrow between 10:00 and 12:00. Reply STOP to opt out."}}""";

    private static byte[] Request(string path, string body) => Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TestTenants.AcmeKey}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n") is var head
        ? [.. head, .. Encoding.UTF8.GetBytes(body)]
        : [];

    /// <summary>Sends pre-built requests on keep-alive sockets (so the client itself allocates next to nothing) and returns bytes allocated per message.</summary>
    private static async Task<long> MeasureAsync(InProcessGateway gateway, Func<int, byte[]> request, int messagesPerRequest)
    {
        var requests = Enumerable.Range(0, Connections * (WarmUpPerConnection + MeasuredPerConnection)).Select(request).ToArray();
        var sockets = new Socket[Connections];
        for (var c = 0; c < Connections; c++)
        {
            sockets[c] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await sockets[c].ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
        }

        try
        {
            await RunAsync(sockets, requests, 0, WarmUpPerConnection);
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await RunAsync(sockets, requests, Connections * WarmUpPerConnection, MeasuredPerConnection);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            return allocated / (Connections * MeasuredPerConnection * (long)messagesPerRequest);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static Task RunAsync(Socket[] sockets, byte[][] requests, int first, int perConnection) =>
        Task.WhenAll(sockets.Select((socket, c) => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            for (var i = 0; i < perConnection; i++)
            {
                await socket.SendAsync(requests[first + (c * perConnection) + i], SocketFlags.None);
                await ReadResponseAsync(socket, buffer);
            }
        })));

    /// <summary>Reads one response (headers and a Content-Length body) and checks it is a 202.</summary>
    private static async Task ReadResponseAsync(Socket socket, byte[] buffer)
    {
        var read = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            Assert.True(n > 0, "the gateway closed the connection");
            read += n;
            var text = buffer.AsSpan(0, read);
            var end = text.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                continue;
            }

            Assert.True(text.StartsWith("HTTP/1.1 202"u8), Encoding.ASCII.GetString(text[..Math.Min(read, 400)]));
            var headers = Encoding.ASCII.GetString(text[..end]);
            var at = headers.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            var length = int.Parse(headers.AsSpan(at + 16, headers.IndexOf('\r', at) - at - 16), System.Globalization.CultureInfo.InvariantCulture);
            if (read >= end + 4 + length)
            {
                return;
            }
        }
    }
}
