using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>
/// <c>latency</c>: the accept → handset sample that runs next to the e2e load. It works in two
/// steps so that it neither limits itself to what a few serial workers can do nor adds polling
/// load to the measurement:
/// <list type="number">
/// <item>Send, open loop: one single message every 1/<c>--rate</c> s to a fresh sandbox handset for
/// <c>--duration</c>, without waiting for earlier ones (up to <c>--concurrency</c> in flight; a tick
/// that finds them all busy is counted as skipped). Records the client's accept round trip and
/// keeps the message id, the gateway's <c>acceptedAt</c> and the client's send time.</item>
/// <item>Collect, after the send step: reads each handset's inbox and the message's
/// <c>statusHistory</c> (polling every <c>--poll</c> until <c>--timeout</c> after the send step for
/// messages still on their way). The latencies come from the gateway's timestamps (the handset's
/// <c>receivedAt</c>), so reading them later changes nothing.</item>
/// </list>
/// </summary>
internal static class LatencyCommand
{
    public static async Task<JsonObject> RunAsync(CommandArguments args, CancellationToken cancellation)
    {
        var url = new Uri(args.Text("url"));
        var key = args.Text("key", DemoTenant.ApiKey);
        var rate = double.Parse(args.Text("rate", "100"), CultureInfo.InvariantCulture);
        var duration = args.Duration("duration", TimeSpan.FromSeconds(15));
        var count = args.Number("count", int.MaxValue);
        var concurrency = args.Number("concurrency", 128);
        var timeout = args.Duration("timeout", TimeSpan.FromSeconds(60));
        var poll = args.Duration("poll", TimeSpan.FromMilliseconds(100));
        var channel = args.Text("channel", "sandbox");
        var numberBase = args.Number("number-base", Random.Shared.Next(0, 9_000_000));
        args.RejectUnknown();
        if (rate <= 0 || concurrency <= 0)
        {
            throw new ArgumentException("--rate and --concurrency must be positive.");
        }

        using var client = new GatewayClient(url, key, concurrency + 8);
        var accept = new LatencyRecorder();
        var toQueued = new LatencyRecorder();
        var toHandset = new LatencyRecorder();
        var sendToHandset = new LatencyRecorder();
        var failures = new FailureLog();
        var samples = new ConcurrentQueue<Sample>();
        var skipped = 0;
        var requested = 0;

        // Step 1: send on a fixed schedule.
        var sendStarted = Stopwatch.GetTimestamp();
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var sends = new List<Task>();
        var interval = TimeSpan.FromSeconds(1 / rate);
        for (var i = 0; i < count && !cancellation.IsCancellationRequested; i++)
        {
            var due = interval * i;
            if (due >= duration)
            {
                break;
            }

            var wait = due - Stopwatch.GetElapsedTime(sendStarted);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellation);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            requested++;
            if (!slots.Wait(0, CancellationToken.None))
            {
                skipped++;
                continue;
            }

            var n = i;
            sends.Add(Task.Run(async () =>
            {
                try
                {
                    // +3162…: a range the wrk scripts (+3161…) never use, so each handset holds one message.
                    var to = "+3162" + ((numberBase + n) % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
                    var sentAt = DateTimeOffset.UtcNow;
                    var response = await client.PostAsync("/v1/messages", GatewayClient.TextMessage(channel, to, "Latency sample " + n), authorize: true, CancellationToken.None);
                    if (response.Status != 202)
                    {
                        failures.Add(response.ToString());
                        return;
                    }

                    accept.Record(response.Elapsed);
                    samples.Enqueue(new Sample(to, response.Text("id"), DateTimeOffset.Parse(response.Text("acceptedAt"), CultureInfo.InvariantCulture), sentAt));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    failures.Add(ex.Message);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(sends);
        var sendSeconds = Stopwatch.GetElapsedTime(sendStarted).TotalSeconds;

        // Step 2: collect what the handsets received (a few readers; the load has stopped or is stopping).
        var collectStarted = Stopwatch.GetTimestamp();
        var statuses = new HandsetWatch(client, poll, TimeSpan.FromSeconds(5));
        var timedOut = 0;
        var pending = new ConcurrentQueue<Sample>(samples);
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (pending.TryDequeue(out var sample))
            {
                try
                {
                    // One deadline for the whole collection: a message that is not there by then counts as timed out.
                    var left = timeout - Stopwatch.GetElapsedTime(collectStarted);
                    var receivedAt = left > TimeSpan.Zero
                        ? await new HandsetWatch(client, poll, left).ReceivedAtAsync(sample.To, sample.Id, cancellation)
                        : null;
                    if (receivedAt is null)
                    {
                        Interlocked.Increment(ref timedOut);
                        continue;
                    }

                    toHandset.Record(receivedAt.Value - sample.AcceptedAt);
                    sendToHandset.Record(receivedAt.Value - sample.SentAt);
                    if (await statuses.StatusAtAsync(sample.Id, "queued", cancellation) is { } queuedAt)
                    {
                        toQueued.Record(queuedAt - sample.AcceptedAt);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Add(ex.Message);
                }
            }
        }, CancellationToken.None));
        await Task.WhenAll(readers);

        return new JsonObject
        {
            ["command"] = "latency",
            ["url"] = url.ToString(),
            ["channel"] = channel,
            ["ratePerSecond"] = rate,
            ["requested"] = requested,
            ["concurrency"] = concurrency,
            ["durationSeconds"] = Math.Round(sendSeconds, 3),
            ["collectSeconds"] = Math.Round(Stopwatch.GetElapsedTime(collectStarted).TotalSeconds, 3),
            ["accepted"] = samples.Count,
            ["completed"] = toHandset.Count,
            ["skipped"] = skipped,
            ["timedOut"] = timedOut,
            ["failed"] = failures.Count,
            ["failures"] = failures.ToJson(),
            ["acceptMs"] = accept.Summarize().ToJson(),
            ["acceptToQueuedMs"] = toQueued.Summarize().ToJson(),
            ["acceptToHandsetMs"] = toHandset.Summarize().ToJson(),
            ["sendToHandsetMs"] = sendToHandset.Summarize().ToJson(),
            ["notes"] = $"Open loop: one single send every {1000 / rate:0.#} ms during the load (up to {concurrency} in flight; 'skipped' counts ticks " +
                "that found them all busy), read back after it. accept: client round trip of POST /v1/messages. acceptToQueued and acceptToHandset: " +
                "the gateway's clock, statusHistory 'queued' and the handset's receivedAt minus acceptedAt (the target). sendToHandset: from the " +
                "client's send (same machine clock) to receivedAt, so it includes the whole accept round trip.",
        };
    }

    private sealed record Sample(string To, string Id, DateTimeOffset AcceptedAt, DateTimeOffset SentAt);
}
