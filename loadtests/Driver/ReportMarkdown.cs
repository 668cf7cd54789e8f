using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>The human half of a report: targets first, then every phase, then the details of the stateful scenarios.</summary>
internal static class ReportMarkdown
{
    public static string Render(string scenario, KeyValueFile run, IReadOnlyList<RunPhase> phases, IReadOnlyList<TargetCheck> targets)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Load test report: {scenario} ({run.Text("startedAt") ?? "?"})");
        md.AppendLine();
        md.AppendLine(
            $"Gateway at commit `{run.Text("commit") ?? "?"}`{(run.Text("dirty") == "true" ? " with uncommitted changes" : "")}. " +
            $"Machine: {run.Text("cores") ?? "?"} cores ({run.Text("cpuModel") ?? "?"}), {run.Text("memoryGiB") ?? "?"} GiB, " +
            $"kernel {run.Text("kernel") ?? "?"}; .NET {run.Text("dotnet") ?? "?"}; {run.Text("wrk") ?? "wrk"}. " +
            "The load generator runs on the same cores as the gateway.");
        md.AppendLine();
        md.AppendLine(
            $"Each phase: a fresh gateway (or baseline) on a new data folder, {run.Text("warmup") ?? "?"} warm-up, then {run.Text("duration") ?? "?"} measured " +
            $"with `wrk --latency` and {run.Text("threads") ?? "?"} wrk threads (flow: the C# driver). Latencies are wrk's (closed loop, per request) unless a section says otherwise.");
        md.AppendLine();

        if (targets.Count > 0)
        {
            md.AppendLine("## Targets");
            md.AppendLine();
            md.AppendLine("| target | goal | measured | result |");
            md.AppendLine("|---|---|---|---|");
            foreach (var t in targets)
            {
                var result = t.Status switch
                {
                    TargetStatus.Met => "met",
                    TargetStatus.Missed => "**missed**: " + t.Gap,
                    _ => "not measured",
                };
                md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Target} | {t.Goal} | {t.Measured} | {result} |");
            }

            md.AppendLine();
            var explained = targets.Where(t => t.Why is not null && t.Status != TargetStatus.Met).ToList();
            if (explained.Count > 0)
            {
                md.AppendLine("Why:");
                md.AppendLine();
                foreach (var t in explained)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"- **{t.Target}**: {t.Why}");
                }

                md.AppendLine();
            }
        }

        var measured = phases.Where(p => p.Skipped is null && (p.Wrk is not null || p.Driver is not null)).ToList();
        if (measured.Count > 0)
        {
            md.AppendLine("## Phases");
            md.AppendLine();
            md.AppendLine("| scenario | phase | conns | req/s | msg/s | p50 | p90 | p99 | max | errors | CPU core-% | load gen core-% | machine busy | RSS MB start → end (max) | alloc B/unit | CPU µs/unit |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
            foreach (var p in measured)
            {
                md.AppendLine(
                    $"| {p.Scenario} | {p.Name} | {p.Facts.Text("connections")} | {N(p.RequestsPerSecond)} | {MessageRate(p)} | " +
                    $"{Ms(p.LatencyMs("p50"))} | {Ms(p.LatencyMs("p90"))} | {Ms(p.LatencyMs("p99"))} | {Ms(p.LatencyMs("max"))} | {Errors(p)} | " +
                    $"{One(p.CpuCorePercent)} | {One(p.LoadCorePercent)} | {One(p.MachineBusyPercent)} % | {One(p.RssStartMb)} → {One(p.RssEndMb)} ({One(p.RssMaxMb)}) | " +
                    $"{N(p.AllocatedBytesPerUnit)} | {One(p.CpuMicrosPerUnit)} |");
            }

            md.AppendLine();
            md.AppendLine("msg/s: the client's count (successful requests × messages per request; mixed: accepted items counted in the 202 bodies); in brackets the gateway's `mgw_messages_accepted_total` " +
                "over the same window where it differs by more than 5 %. Units: an accepted message for the gateway, a request for the baseline. " +
                "CPU core-%: 100 = one core; load gen: wrk (or the driver in flow). Allocation: the whole process over the measured window (EventPipe `alloc-rate`).");
            md.AppendLine();
            foreach (var p in measured)
            {
                var kinds = p.Wrk?["requestsByKind"] is JsonObject byKind
                    ? " Requests by kind: " + string.Join(", ", byKind.Select(k => $"{k.Key} {k.Value}")) + "."
                    : "";
                md.AppendLine(CultureInfo.InvariantCulture, $"- {p.Scenario}/{p.Name}: {p.Description}.{kinds}");
            }

            md.AppendLine();
            foreach (var p in measured.Where(p => p.Facts.Number("quietBusyPercent") is >= 10))
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"Warning: before {p.Scenario}/{p.Name} other processes kept the machine {p.Facts.Number("quietBusyPercent"):0} % busy; its figures are lower than a quiet machine gives.");
                md.AppendLine();
            }
        }

        foreach (var p in phases.Where(p => p.Skipped is null && p.Driver is not null))
        {
            RenderDriver(md, p);
        }

        foreach (var p in phases.Where(p => p.Scenario == "e2e" && p.Skipped is null && p.Metrics.Count > 1))
        {
            RenderEndToEnd(md, p);
        }

        foreach (var p in phases.Where(p => p.Scenario == "soak" && p.Skipped is null && p.Process.Count > 2))
        {
            RenderSoak(md, p);
        }

        var skipped = phases.Where(p => p.Skipped is not null).ToList();
        if (skipped.Count > 0)
        {
            md.AppendLine("## Skipped");
            md.AppendLine();
            foreach (var p in skipped)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {p.Scenario} / {p.Name}: {p.Skipped}");
            }

            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Raw data (wrk output, samples, counters): `{run.Text("runDir") ?? "?"}`.");
        return md.ToString();
    }

    private static void RenderDriver(StringBuilder md, RunPhase p)
    {
        var driver = p.Driver!;
        md.AppendLine(CultureInfo.InvariantCulture, $"## {p.Scenario} / {p.Name}: {driver["command"]} driver");
        md.AppendLine();
        if ((string?)driver["command"] == "latency")
        {
            md.AppendLine(
                $"Open loop at {driver["ratePerSecond"]}/s for {driver["durationSeconds"]} s: {driver["requested"]} sends due, {driver["accepted"]} accepted, " +
                $"{driver["completed"]} seen on their handset (read back in {driver["collectSeconds"]} s after the load); " +
                $"skipped {driver["skipped"]} (all {driver["concurrency"]} slots busy), failed {driver["failed"]}, timed out {driver["timedOut"]}.");
        }
        else
        {
            md.AppendLine(
                $"{driver["completed"]} of {driver["requested"]} completed at concurrency {driver["concurrency"]} in {driver["durationSeconds"]} s " +
                $"({N((double?)driver["completed"] / Math.Max((double?)driver["durationSeconds"] ?? 1, 0.001))}/s); " +
                $"failed {driver["failed"]}" + (driver["timedOut"] is { } t ? $", timed out {t}" : "") + ".");
        }

        if (driver["payments"] is JsonObject payments && (bool?)payments["available"] != true)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Payment and refund steps: {payments["reason"]}.");
        }

        md.AppendLine();
        md.AppendLine("| step | count | p50 | p90 | p99 | p99.9 | max |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var steps = driver["steps"] as JsonObject ?? driver.AsObject();
        foreach (var (name, node) in steps)
        {
            if (name.EndsWith("Ms", StringComparison.Ordinal) && LatencySummary.FromJson(node) is { } s)
            {
                md.AppendLine(
                    $"| {name[..^2]} | {s.Count} | {Ms(s.P50)} | {Ms(s.P90)} | {Ms(s.P99)} | {Ms(s.P999)} | {Ms(s.Max)} |");
            }
        }

        md.AppendLine();
        if (driver["notes"] is { } notes)
        {
            md.AppendLine(notes.ToString());
            md.AppendLine();
        }

        if (driver["failures"] is JsonArray { Count: > 0 } failures)
        {
            md.AppendLine("First failures:");
            md.AppendLine();
            foreach (var f in failures)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {f}");
            }

            md.AppendLine();
        }
    }

    private static void RenderEndToEnd(StringBuilder md, RunPhase p)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## {p.Scenario} / {p.Name}: accepted and handed over");
        md.AppendLine();
        md.AppendLine(
            $"From `/metrics` sampled every second over the measured window: accepted {N(p.GatewayAcceptedPerSecond)}/s, " +
            $"handed over to the sandbox handsets {N(p.HandedOverPerSecond)}/s; backlog (accepted − handed over) {N(p.BacklogAtStart)} → {N(p.BacklogAtEnd)}.");
        if (p.Facts.Number("drainSeconds") is { } drain)
        {
            md.AppendLine(
                $"After the load stopped, the backlog {(p.Facts.Text("drained") == "true" ? "drained" : "had not drained")} in {drain:0.0} s" +
                (p.Facts.Number("drainedMessages") is { } drained && drained > 0 && drain >= 0.5 ? $" ({N(drained)} messages, {N(drained / drain)} msg/s with no intake)." : "."));
        }

        md.AppendLine();
        md.AppendLine("| second | accepted/s | handed over/s | backlog |");
        md.AppendLine("|---:|---:|---:|---:|");
        for (var i = 1; i < p.Metrics.Count; i++)
        {
            var a = p.Metrics[i - 1];
            var b = p.Metrics[i];
            var seconds = (b.EpochMs - a.EpochMs) / 1000.0;
            if (seconds <= 0)
            {
                continue;
            }

            md.AppendLine(
                $"| {(b.EpochMs - p.Metrics[0].EpochMs) / 1000.0:0} | {N((b.Accepted - a.Accepted) / seconds)} | {N((b.HandedOver - a.HandedOver) / seconds)} | {N(b.Accepted - b.HandedOver)} |");
        }

        md.AppendLine();
    }

    private static void RenderSoak(StringBuilder md, RunPhase p)
    {
        var (reference, end, growth, slope) = TargetEvaluation.SoakTrend(p);
        md.AppendLine(CultureInfo.InvariantCulture, $"## {p.Scenario}: memory over {p.WindowSeconds / 60:0.#} min");
        md.AppendLine();
        md.AppendLine(
            $"RSS after the first fifth {reference:0} MB, at the end {end:0} MB ({growth:+0.0;-0.0} %); least-squares slope over the second half {slope:+0.00;-0.00} MB/min.");
        md.AppendLine();
        md.AppendLine("| minute | RSS MB |");
        md.AppendLine("|---:|---:|");
        // About 20 rows whatever the length; every sample is in the JSON (rssSamplesMb).
        var start = p.Process[0].EpochMs;
        var step = Math.Max(1, (int)Math.Ceiling(p.Process.Count / 20.0));
        for (var i = 0; i < p.Process.Count; i++)
        {
            if (i % step == 0 || i == p.Process.Count - 1)
            {
                var s = p.Process[i];
                md.AppendLine(CultureInfo.InvariantCulture, $"| {(s.EpochMs - start) / 60000.0:0.00} | {s.RssKb / 1024.0:0} |");
            }
        }

        md.AppendLine();
    }

    private static string MessageRate(RunPhase p)
    {
        var client = N(p.MessagesPerSecond);
        if (p.Target == "baseline" || p.GatewayAcceptedPerSecond is not { } counted || p.MessagesPerSecond is not { } seen || seen <= 0)
        {
            return client;
        }

        return Math.Abs(counted / seen - 1) > 0.05 ? $"{client} ({N(counted)})" : client;
    }

    private static string Errors(RunPhase p)
    {
        if (p.ErrorCount == 0)
        {
            return "0";
        }

        var parts = (p.Wrk?["errors"] as JsonObject ?? []).Where(e => (long?)e.Value > 0).Select(e => $"{e.Key} {e.Value}");
        return string.Join(", ", parts);
    }

    private static string N(double? value) => TargetEvaluation.N(value);

    private static string Ms(double? value) => TargetEvaluation.Ms(value);

    private static string One(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "—";
}
