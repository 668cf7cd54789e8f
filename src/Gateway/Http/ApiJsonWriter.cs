using System.Text.Encodings.Web;
using System.Text.Json;

namespace MessagingGateway.Gateway.Http;

/// <summary>
/// Writer settings for every response: the relaxed encoder keeps "é" and "'" readable; responses
/// are always served as JSON, never embedded in HTML, which is what the strict encoder guards.
/// </summary>
internal static class ApiJsonWriter
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
