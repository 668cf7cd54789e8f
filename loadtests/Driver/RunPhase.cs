using System.Globalization;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>
/// One measured phase of a run (a folder run.sh filled: phase.env, wrk.json, proc.tsv,
/// metrics.tsv, counters.json, driver.json) and the figures the report derives from it.
/// </summary>
internal sealed class RunPhase
{
    private RunPhase(string folder, KeyValueFile facts)
    {
        Folder = folder;
        Facts = facts;
    }

    public string Folder { get; }

    public KeyValueFile Facts { get; }

    public string Scenario => Facts.Text("scenario") ?? "?";

    public string Name => Facts.Text("name") ?? Path.GetFileName(Folder);

    /// <summary><c>gateway</c> or <c>baseline</c>.</summary>
    public string Target => Facts.Text("target") ?? "gateway";

    public string Description => Facts.Text("description") ?? "";

    public string? Skipped => Facts.Text("skipped");

    public JsonNode? Wrk { get; private init; }

    public JsonNode? Counters { get; private init; }

    public JsonNode? Driver { get; private init; }

    public IReadOnlyList<ProcessSample> Process { get; private init; } = [];

    public IReadOnlyList<CounterSample> Metrics { get; private init; } = [];

    public double? RequestsPerSecond => (double?)Wrk?["requestsPerSecond"];

    /// <summary>Messages per second as the client saw them: successful requests × messages per request (or counted accepted items).</summary>
    public double? MessagesPerSecond
    {
        get
        {
            if (Wrk is null)
            {
                return GatewayAcceptedPerSecond;
            }

            if ((double?)Wrk["acceptedMessages"] is { } accepted)
            {
                return accepted / (double)Wrk["durationSeconds"]!;
            }

            return GoodRequestsPerSecond * ((double?)Wrk["messagesPerRequest"] ?? 1);
        }
    }

    /// <summary>Requests per second that got a 2xx/3xx answer (wrk counts 4xx/5xx as status errors).</summary>
    public double? GoodRequestsPerSecond => Wrk is null
        ? null
        : ((double?)Wrk["requests"] - ((double?)Wrk["errors"]?["status"] ?? 0)) / (double?)Wrk["durationSeconds"];

    /// <summary>Accepted per second from the gateway's own counter over the sampled window.</summary>
    public double? GatewayAcceptedPerSecond => Rate(s => s.Accepted);

    /// <summary>Handed over to the channel (the sandbox handsets) per second over the sampled window.</summary>
    public double? HandedOverPerSecond => Rate(s => s.HandedOver);

    public double? AcceptedInWindow => Metrics.Count < 2 ? null : Metrics[^1].Accepted - Metrics[0].Accepted;

    public double? BacklogAtStart => Metrics.Count == 0 ? null : Metrics[0].Accepted - Metrics[0].HandedOver;

    public double? BacklogAtEnd => Metrics.Count == 0 ? null : Metrics[^1].Accepted - Metrics[^1].HandedOver;

    public long ErrorCount => Wrk?["errors"] is JsonObject errors ? errors.Sum(e => (long?)e.Value ?? 0) : 0;

    public double? LatencyMs(string percentile) => (double?)Wrk?["latencyUs"]?[percentile] / 1000.0;

    public double WindowSeconds => Process.Count < 2 ? 0 : (Process[^1].EpochMs - Process[0].EpochMs) / 1000.0;

    /// <summary>The process's CPU over the window in % of one core (200 = both cores of this machine).</summary>
    public double? CpuCorePercent => Process.Count < 2 || WindowSeconds <= 0
        ? null
        : (Process[^1].CpuTicks - Process[0].CpuTicks) / ClockTicks / WindowSeconds * 100;

    /// <summary>The whole machine's CPU over the window in % of all cores.</summary>
    public double? MachineBusyPercent
    {
        get
        {
            if (Process.Count < 2)
            {
                return null;
            }

            var total = Process[^1].MachineTotalTicks - Process[0].MachineTotalTicks;
            return total <= 0 ? null : 100.0 * (Process[^1].MachineBusyTicks - Process[0].MachineBusyTicks) / total;
        }
    }

    /// <summary>The load generator's CPU (wrk, or the driver in <c>flow</c>) in % of one core.</summary>
    public double? LoadCorePercent => Facts.Number("loadCpuTicks") is { } ticks && WindowSeconds > 0
        ? ticks / ClockTicks / WindowSeconds * 100
        : null;

    /// <summary>What the rest of the machine used (samplers, counters, other processes), in % of one core.</summary>
    public double? OtherCorePercent => MachineBusyPercent * Cores - CpuCorePercent - (LoadCorePercent ?? 0);

    public double Cores => Facts.Number("cores") ?? Environment.ProcessorCount;

    public double? RssStartMb => Process.Count == 0 ? null : Process[0].RssKb / 1024.0;

    public double? RssEndMb => Process.Count == 0 ? null : Process[^1].RssKb / 1024.0;

    public double? RssMaxMb => Process.Count == 0 ? null : Process.Max(p => p.RssKb) / 1024.0;

    /// <summary>Messages (or, for the baseline, requests) the allocation and CPU figures are divided by.</summary>
    public double? Units => Target == "baseline"
        ? (double?)Wrk?["requests"]
        : AcceptedInWindow ?? MessagesPerSecond * (double?)Wrk?["durationSeconds"];

    public double? AllocatedBytes => CounterInWindow("alloc-rate", "allocatedBytes");

    public double? AllocatedBytesPerUnit => AllocatedBytes is { } bytes && Units is > 0 ? bytes / Units : null;

    /// <summary>
    /// A runtime counter summed over the intervals that ended inside the measured window (an
    /// interval's event comes at its end, so the window is shifted by half an interval).
    /// </summary>
    public double? CounterInWindow(string counter, string totalField)
    {
        if (Counters?["series"]?[counter] is not JsonArray points || Process.Count < 2)
        {
            return (double?)Counters?[totalField];
        }

        var from = Process[0].EpochMs + 500;
        var to = Process[^1].EpochMs + 500;
        var sum = 0.0;
        foreach (var point in points)
        {
            var at = (long)point![0]!;
            if (at > from && at <= to)
            {
                sum += (double)point[1]!;
            }
        }

        return sum;
    }

    /// <summary>The last value of a level counter (e.g. <c>gc-heap-size</c> in MB) reported at or before a moment.</summary>
    public double? CounterLevelAt(string counter, long epochMs)
    {
        if (Counters?["series"]?[counter] is not JsonArray points)
        {
            return null;
        }

        double? level = null;
        foreach (var point in points)
        {
            if ((long)point![0]! <= epochMs + 500)
            {
                level = (double)point[1]!;
            }
        }

        return level;
    }

    /// <summary>CPU time the process spent per message (or request), in microseconds.</summary>
    public double? CpuMicrosPerUnit => CpuCorePercent is { } cpu && Units is > 0 ? cpu / 100 * WindowSeconds / Units * 1e6 : null;

    private double ClockTicks => Facts.Number("clkTck") ?? 100;

    public static RunPhase Load(string folder)
    {
        var facts = KeyValueFile.Load(Path.Combine(folder, "phase.env"));
        return new RunPhase(folder, facts)
        {
            Wrk = ReadJson(Path.Combine(folder, "wrk.json")),
            Counters = ReadJson(Path.Combine(folder, "counters.json")),
            Driver = ReadJson(Path.Combine(folder, "driver.json")),
            Process = ReadRows(Path.Combine(folder, "proc.tsv"), 6, f => new ProcessSample(f[0], f[1], f[2] + f[3], f[4], f[5])),
            Metrics = ReadRows(Path.Combine(folder, "metrics.tsv"), 3, f => new CounterSample(f[0], f[1], f[2])),
        };
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["scenario"] = Scenario,
            ["name"] = Name,
            ["target"] = Target,
            ["description"] = Description,
        };
        foreach (var (key, value) in Facts.All.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            json.TryAdd(key, value);
        }

        if (Skipped is not null)
        {
            return json;
        }

        json["requestsPerSecond"] = Round(RequestsPerSecond);
        json["messagesPerSecond"] = Round(MessagesPerSecond);
        json["gatewayAcceptedPerSecond"] = Round(GatewayAcceptedPerSecond);
        json["handedOverPerSecond"] = Round(HandedOverPerSecond);
        json["backlogAtStart"] = Round(BacklogAtStart);
        json["backlogAtEnd"] = Round(BacklogAtEnd);
        json["latencyMs"] = Wrk is null ? null : new JsonObject
        {
            ["p50"] = Round(LatencyMs("p50"), 3),
            ["p90"] = Round(LatencyMs("p90"), 3),
            ["p99"] = Round(LatencyMs("p99"), 3),
            ["p999"] = Round(LatencyMs("p999"), 3),
            ["max"] = Round(LatencyMs("max"), 3),
            ["mean"] = Round(LatencyMs("mean"), 3),
        };
        json["errors"] = Wrk?["errors"]?.DeepClone();
        json["errorCount"] = ErrorCount;
        json["process"] = new JsonObject
        {
            ["windowSeconds"] = Round(WindowSeconds, 3),
            ["cpuCorePercent"] = Round(CpuCorePercent, 1),
            ["machineBusyPercent"] = Round(MachineBusyPercent, 1),
            ["loadGeneratorCorePercent"] = Round(LoadCorePercent, 1),
            ["otherCorePercent"] = Round(OtherCorePercent, 1),
            ["quietBusyPercentBefore"] = Facts.Number("quietBusyPercent"),
            ["cpuMicrosPerUnit"] = Round(CpuMicrosPerUnit, 2),
            ["rssStartMb"] = Round(RssStartMb, 1),
            ["rssEndMb"] = Round(RssEndMb, 1),
            ["rssMaxMb"] = Round(RssMaxMb, 1),
            ["allocatedBytesPerUnit"] = Round(AllocatedBytesPerUnit, 1),
            ["unit"] = Target == "baseline" ? "request" : "accepted message",
        };
        json["wrk"] = Wrk?.DeepClone();
        if (Counters is not null)
        {
            var counters = Counters.DeepClone().AsObject();
            counters.Remove("series");
            counters["allocatedBytesInWindow"] = Round(AllocatedBytes);
            counters["gen0CollectionsInWindow"] = Round(CounterInWindow("gen-0-gc-count", "gen0Collections"));
            counters["gen1CollectionsInWindow"] = Round(CounterInWindow("gen-1-gc-count", "gen1Collections"));
            counters["gen2CollectionsInWindow"] = Round(CounterInWindow("gen-2-gc-count", "gen2Collections"));
            json["counters"] = counters;
        }
        json["driver"] = Driver?.DeepClone();
        if (Process.Count > 0)
        {
            json["rssSamplesMb"] = new JsonArray([.. Process.Select(p => (JsonNode)new JsonArray(
                Math.Round((p.EpochMs - Process[0].EpochMs) / 1000.0, 1),
                Math.Round(p.RssKb / 1024.0, 1)))]);
        }

        return json;
    }

    private static double? Round(double? value, int digits = 0) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;

    private double? Rate(Func<CounterSample, double> counter)
    {
        if (Metrics.Count < 2)
        {
            return null;
        }

        var seconds = (Metrics[^1].EpochMs - Metrics[0].EpochMs) / 1000.0;
        return seconds <= 0 ? null : (counter(Metrics[^1]) - counter(Metrics[0])) / seconds;
    }

    private static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static List<T> ReadRows<T>(string path, int columns, Func<long[], T> create)
    {
        var rows = new List<T>();
        if (!File.Exists(path))
        {
            return rows;
        }

        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split('\t', ' ');
            if (fields.Length < columns)
            {
                continue;
            }

            var values = new long[columns];
            var ok = true;
            for (var i = 0; i < columns && ok; i++)
            {
                ok = double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
                values[i] = (long)value;
            }

            if (ok)
            {
                rows.Add(create(values));
            }
        }

        return rows;
    }
}
