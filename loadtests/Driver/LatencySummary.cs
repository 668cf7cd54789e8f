using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>Percentiles of one measured step, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double Min, double Mean, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public JsonObject ToJson() => new()
    {
        ["count"] = Count,
        ["min"] = Min,
        ["mean"] = Mean,
        ["p50"] = P50,
        ["p90"] = P90,
        ["p99"] = P99,
        ["p999"] = P999,
        ["max"] = Max,
    };

    public static LatencySummary? FromJson(JsonNode? node) => node is not JsonObject o || (long?)o["count"] is not > 0
        ? null
        : new LatencySummary(
            (long)o["count"]!,
            (double)o["min"]!,
            (double)o["mean"]!,
            (double)o["p50"]!,
            (double)o["p90"]!,
            (double)o["p99"]!,
            (double)o["p999"]!,
            (double)o["max"]!);
}
