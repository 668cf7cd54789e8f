using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>What one call returned: status, parsed JSON body (when it was JSON) and client-side time.</summary>
internal sealed record ApiResponse(string Method, string Path, int Status, JsonNode? Body, TimeSpan Elapsed)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public string Text(string name) =>
        (string?)Body?[name] ?? throw new InvalidOperationException($"{Method} {Path} answered {Status} without \"{name}\".");

    public override string ToString()
    {
        var detail = (string?)Body?["detail"] ?? (string?)Body?["title"];
        return $"{Method} {Path} → {Status}" + (detail is null ? "" : ": " + detail);
    }
}
