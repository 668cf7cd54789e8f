using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Text.Json.Nodes;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace MessagingGateway.Driver;

/// <summary>
/// <c>counters</c>: attaches to a .NET process over EventPipe (the same channel dotnet-counters
/// uses) for a fixed time and sums its System.Runtime counters: bytes allocated, GC counts, peak
/// heap and working set, plus every interval's increments with their time. run.sh starts it
/// before the warm-up (so its own start-up does not land in the measurement) and stops it with
/// SIGTERM; the report sums the intervals inside the measured window and divides the allocated
/// bytes by the messages accepted in it.
/// </summary>
internal static class CountersCommand
{
    public static async Task<JsonObject> RunAsync(CommandArguments args, CancellationToken cancellation)
    {
        var pid = args.Number("pid", 0);
        var duration = args.Duration("duration", TimeSpan.FromMinutes(30));
        var interval = args.Number("interval", 1);
        args.RejectUnknown();

        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        var peaks = new Dictionary<string, double>(StringComparer.Ordinal);
        var means = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        var series = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        var intervals = 0;

        var client = new DiagnosticsClient(pid);
        var provider = new EventPipeProvider(
            "System.Runtime",
            EventLevel.Informational,
            (long)EventKeywords.None,
            new Dictionary<string, string> { ["EventCounterIntervalSec"] = interval.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var session = client.StartEventPipeSession(provider, requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += data =>
        {
            if (data.EventName != "EventCounters" || data.PayloadValue(0) is not IDictionary<string, object> envelope ||
                envelope["Payload"] is not IDictionary<string, object> payload || payload["Name"] is not string name)
            {
                return;
            }

            lock (totals)
            {
                if (name == "alloc-rate")
                {
                    intervals++;
                }

                if (payload.TryGetValue("Increment", out var increment))
                {
                    var value = Convert.ToDouble(increment, System.Globalization.CultureInfo.InvariantCulture);
                    totals[name] = totals.GetValueOrDefault(name) + value;
                    if (!series.TryGetValue(name, out var points))
                    {
                        series[name] = points = [];
                    }

                    // Event time, so the report can keep only the intervals inside its measured window.
                    var at = new DateTimeOffset(data.TimeStamp.ToUniversalTime()).ToUnixTimeMilliseconds();
                    points.Add(new JsonArray(at, value));
                }
                else if (payload.TryGetValue("Mean", out var meanValue))
                {
                    var value = Convert.ToDouble(meanValue, System.Globalization.CultureInfo.InvariantCulture);
                    peaks[name] = Math.Max(peaks.GetValueOrDefault(name), value);
                    var (sum, count) = means.GetValueOrDefault(name);
                    means[name] = (sum + value, count + 1);
                    if (name is "gc-heap-size" or "working-set")
                    {
                        // Levels over time (MB), for the soak's split of RSS into managed heap and the rest.
                        if (!series.TryGetValue(name, out var levels))
                        {
                            series[name] = levels = [];
                        }

                        levels.Add(new JsonArray(new DateTimeOffset(data.TimeStamp.ToUniversalTime()).ToUnixTimeMilliseconds(), value));
                    }
                }
            }
        };

        var started = Stopwatch.GetTimestamp();
        var processing = Task.Run(source.Process, CancellationToken.None);
        // Until the duration is over, we are stopped (SIGTERM or Ctrl+C), or the process exits
        // (then the event stream ends); in every case the result is what was counted so far.
        await Task.WhenAny(Task.Delay(duration, cancellation), processing);
        var targetExited = processing.IsCompleted;
        try
        {
            await session.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or EndOfStreamException or IOException or TimeoutException)
        {
            targetExited = true;
        }

        try
        {
            await processing;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            // The stream broke off with the process.
        }

        lock (totals)
        {
            double Total(string name) => Math.Round(totals.GetValueOrDefault(name));
            double Peak(string name) => Math.Round(peaks.GetValueOrDefault(name), 2);
            double Mean(string name) => means.TryGetValue(name, out var m) && m.Count > 0 ? Math.Round(m.Sum / m.Count, 2) : 0;
            return new JsonObject
            {
                ["command"] = "counters",
                ["pid"] = pid,
                ["durationSeconds"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3),
                ["targetExited"] = targetExited,
                ["intervals"] = intervals,
                ["allocatedBytes"] = Total("alloc-rate"),
                ["gen0Collections"] = Total("gen-0-gc-count"),
                ["gen1Collections"] = Total("gen-1-gc-count"),
                ["gen2Collections"] = Total("gen-2-gc-count"),
                ["gcHeapSizeMbPeak"] = Peak("gc-heap-size"),
                ["workingSetMbPeak"] = Peak("working-set"),
                ["timeInGcPercentPeak"] = Peak("time-in-gc"),
                ["timeInGcPercentMean"] = Mean("time-in-gc"),
                ["cpuUsagePercentMean"] = Mean("cpu-usage"),
                ["threadPoolThreadsPeak"] = Peak("threadpool-thread-count"),
                ["threadPoolQueueLengthPeak"] = Peak("threadpool-queue-length"),
                ["lockContentionsTotal"] = Total("monitor-lock-contention-count"),
                ["series"] = new JsonObject([.. series.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
            };
        }
    }
}
