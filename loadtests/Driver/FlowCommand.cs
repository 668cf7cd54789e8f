using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>
/// <c>flow</c>: the conversation a shop has with a customer, many at once: send → the handset
/// receives it → the customer replies → the reply shows on the conversation → payment link →
/// paid at the sandbox checkout → refund. Every step gets its own percentiles. The payment steps
/// run only where <c>POST /v1/conversations/{id}/payments</c> exists; until then they are
/// reported as skipped.
/// </summary>
internal static class FlowCommand
{
    private static readonly string[] StepNames =
        ["send", "sendToHandset", "reply", "replyVisible", "paymentCreate", "checkout", "paid", "refundCreate", "refunded", "flow"];

    public static async Task<JsonObject> RunAsync(CommandArguments args, CancellationToken cancellation)
    {
        var url = new Uri(args.Text("url"));
        var key = args.Text("key", DemoTenant.ApiKey);
        var count = args.Number("count", 100);
        var concurrency = args.Number("concurrency", 4);
        var duration = args.Duration("duration", TimeSpan.FromMinutes(10));
        var timeout = args.Duration("timeout", TimeSpan.FromSeconds(30));
        var poll = args.Duration("poll", TimeSpan.FromMilliseconds(10));
        var channel = args.Text("channel", "sandbox");
        var numberBase = args.Number("number-base", Random.Shared.Next(0, 9_000_000));
        args.RejectUnknown();

        using var client = new GatewayClient(url, key, concurrency * 2);
        var flow = new ConversationFlow(client, new HandsetWatch(client, poll, timeout), channel, poll, timeout);
        var steps = StepNames.ToDictionary(s => s, _ => new LatencyRecorder());
        var failures = new FailureLog();
        var completed = 0;

        // One conversation first, to learn whether the payments API exists yet.
        var probeAddress = Address(numberBase, count);
        var payments = await flow.ProbePaymentsAsync(probeAddress, cancellation);

        var started = Stopwatch.GetTimestamp();
        await WorkerPool.RunAsync(count, concurrency, duration, async (i, ct) =>
        {
            try
            {
                if (await flow.RunAsync(Address(numberBase, i), i, payments.Available, steps, ct) is { } failure)
                {
                    failures.Add(failure);
                    return;
                }

                Interlocked.Increment(ref completed);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // A refused connection, a 60 s client timeout, or an answer without the expected field: this flow failed, the run goes on.
                failures.Add(ex.Message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Stopped (SIGTERM or Ctrl+C): the flows in flight are neither completed nor failed.
            }
        }, cancellation);

        var stepsJson = new JsonObject();
        foreach (var name in StepNames)
        {
            var summary = steps[name].Summarize();
            if (summary.Count > 0)
            {
                stepsJson[name + "Ms"] = summary.ToJson();
            }
        }

        return new JsonObject
        {
            ["command"] = "flow",
            ["url"] = url.ToString(),
            ["channel"] = channel,
            ["requested"] = count,
            ["concurrency"] = concurrency,
            ["durationSeconds"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3),
            ["completed"] = completed,
            ["failed"] = failures.Count,
            ["failures"] = failures.ToJson(),
            ["payments"] = new JsonObject { ["available"] = payments.Available, ["reason"] = payments.Reason },
            ["steps"] = stepsJson,
            ["notes"] = "send, reply, paymentCreate, checkout, refundCreate: client round trips. sendToHandset: gateway clock, handset " +
                "receivedAt minus acceptedAt. replyVisible, paid, refunded: client clock from the request until the change shows " +
                "(conversation timeline, payment status, amountRemaining 0). flow: the whole conversation.",
        };
    }

    // +3163…: a range neither the wrk scripts nor the latency sample use.
    private static string Address(int numberBase, int i) =>
        "+3163" + ((numberBase + i) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
}
