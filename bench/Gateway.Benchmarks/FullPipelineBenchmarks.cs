using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// Guards the whole path of a send in one process, without sockets: <c>POST /v1/messages</c>
/// (auth, parse, validate, durable log append, store, 202) → dispatcher (timeline, queued,
/// hand-over) → sandbox handset. Each invocation sends <see cref="Sends"/> messages at once, each
/// to its own handset (its own conversation), and waits until every one has arrived; the time is
/// reported per message, so it is the inverse of throughput. Each benchmark runs in its own
/// process with its own gateway, configured by its own setup.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the gateway and the listener.")]
public class FullPipelineBenchmarks
{
    private const int Sends = 256;
    private const string Business = "+31850000000";
    private const string ProbeHandset = "+31600000000";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private InMemoryGateway? _gateway;
    private PipelineMilestones? _milestones;
    private byte[][] _bodies = [];
    private long _sent;

    /// <summary>
    /// Receipts are pushed past the end of the run, so each invocation does exactly its own
    /// messages' work. With the default 0.15 s they fire during later invocations, and how much of
    /// that lands in the measured one changed allocations by 27% between two runs (46 KB and 58 KB
    /// per message). The receipts owed meanwhile wait as they would for a slow provider: in the
    /// sandbox clock's queue and the dispatcher's bounded cache of messages awaiting receipts.
    /// </summary>
    [GlobalSetup(Target = nameof(SendUntilHandsetReceives))]
    public Task SetupWithoutReceiptsAsync() => StartAsync("--Sandbox:ReceiptDelay=01:00:00");

    /// <summary>The handsets report sent, delivered and read at once, so the whole life cycle fits in an invocation.</summary>
    [GlobalSetup(Target = nameof(SendUntilReadReceipt))]
    public Task SetupWithImmediateReceiptsAsync() => StartAsync("--Sandbox:ReceiptDelay=00:00:00");

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _milestones?.Dispose();
    }

    /// <summary>Accept → log → dispatch → handset.</summary>
    [Benchmark(OperationsPerInvoke = Sends)]
    public async Task SendUntilHandsetReceives()
    {
        await SendAllAsync();
        await _milestones!.WaitForHandedOverAsync(_sent, Timeout);
    }

    /// <summary>
    /// The life cycle: the above, then the sent, delivered and read receipts through the log, the
    /// status machine and the business's events (no webhook is configured, so none is delivered).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Sends)]
    public async Task SendUntilReadReceipt()
    {
        await SendAllAsync();
        await _milestones!.WaitForReadAsync(_sent, Timeout);
    }

    private static byte[] Body(string handset) => Encoding.UTF8.GetBytes(
        $$$"""{"channel":"sandbox","from":"{{{Business}}}","to":"{{{handset}}}","content":{"type":"text","text":"{{{TypicalTraffic.Text}}}"},"metadata":{"orderId":"10452"}}""");

    private async Task StartAsync(params string[] settings)
    {
        _milestones = new PipelineMilestones();
        _gateway = await InMemoryGateway.StartAsync(settings);
        _bodies = [.. Enumerable.Range(0, Sends).Select(i => Body("+3161" + (2000000 + i).ToString(CultureInfo.InvariantCulture)))];
        await ProveTheCounterMeansTheHandsetHasItAsync();
    }

    private Task SendAllAsync()
    {
        _sent += Sends;
        var sends = new Task[Sends];
        for (var i = 0; i < Sends; i++)
        {
            sends[i] = SendAsync(_bodies[i]);
        }

        return Task.WhenAll(sends);
    }

    private async Task<string> SendAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var response = await _gateway!.Client.PostAsync("/v1/messages", content);
        var answer = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Accepted
            ? answer
            : throw new InvalidOperationException($"POST /v1/messages answered {(int)response.StatusCode}: {answer}");
    }

    /// <summary>
    /// One message end to end, checked the way a person would (the handset's inbox over the
    /// sandbox API), so the counter the benchmarks wait on is known to follow the handset.
    /// </summary>
    private async Task ProveTheCounterMeansTheHandsetHasItAsync()
    {
        using var accepted = JsonDocument.Parse(await SendAsync(Body(ProbeHandset)));
        var id = accepted.RootElement.GetProperty("id").GetString()!;
        _sent = 1;
        await _milestones!.WaitForHandedOverAsync(_sent, Timeout);
        var inbox = await _gateway!.Client.GetStringAsync($"/sandbox/handsets/{ProbeHandset}/messages");
        if (!inbox.Contains(id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The hand-over was counted, but handset {ProbeHandset} does not have message {id}: {inbox}");
        }
    }
}
