using System.Text.Json;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>
/// <c>report</c>: reads a run folder (run.env plus phases/*) and writes
/// <c>&lt;out&gt;.json</c> and <c>&lt;out&gt;.md</c>: every phase's figures and the targets.
/// </summary>
internal static class ReportCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<JsonObject> RunAsync(CommandArguments args, CancellationToken cancellation)
    {
        var runDir = args.Text("run-dir");
        var output = args.Text("out");
        var scenario = args.Text("scenario", "run");
        args.RejectUnknown();

        var run = KeyValueFile.Load(Path.Combine(runDir, "run.env"));
        var phaseRoot = Path.Combine(runDir, "phases");
        var phases = Directory.Exists(phaseRoot)
            ? Directory.GetDirectories(phaseRoot).Order(StringComparer.Ordinal).Select(RunPhase.Load).ToList()
            : [];
        var targets = TargetEvaluation.Evaluate(phases);

        var runFacts = new JsonObject();
        foreach (var (key, value) in run.All.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            runFacts[key] = value;
        }

        var report = new JsonObject
        {
            ["scenario"] = scenario,
            ["run"] = runFacts,
            ["targets"] = new JsonArray([.. targets.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id,
                ["target"] = t.Target,
                ["goal"] = t.Goal,
                ["measured"] = t.Measured,
                ["status"] = t.Status switch { TargetStatus.Met => "met", TargetStatus.Missed => "missed", _ => "not-measured" },
                ["gap"] = t.Gap,
                ["why"] = t.Why,
            })]),
            ["phases"] = new JsonArray([.. phases.Select(p => (JsonNode)p.ToJson())]),
        };

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output + ".json", report.ToJsonString(Indented) + "\n", cancellation);
        await File.WriteAllTextAsync(output + ".md", ReportMarkdown.Render(scenario, run, phases, targets), cancellation);
        return new JsonObject
        {
            ["command"] = "report",
            ["json"] = output + ".json",
            ["markdown"] = output + ".md",
            ["targets"] = new JsonArray([.. targets.Select(t => (JsonNode)$"{t.Id}: {t.Status}")]),
        };
    }
}
