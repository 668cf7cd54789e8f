using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>The fake's webhook side: status reports and MO messages in CM's JSON (no signature: the token is in the URL).</summary>
public sealed partial class FakeCm
{
    /// <summary>
    /// Posts a status report for <paramref name="reference"/> with CM's numeric <paramref name="statusCode"/>
    /// (0 accepted, 1 rejected, 2 delivered, 3 failed), received now unless given.
    /// <paramref name="url"/> carries the account's <c>?token=</c>.
    /// </summary>
    public Task<HttpStatusCode> PostStatusAsync(Uri url, string reference, int statusCode, string to = "0031612345678", DateTimeOffset? received = null, string? errorCode = null, string? errorDescription = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, StatusPayload(reference, statusCode, to, received ?? Time.GetUtcNow(), errorCode, errorDescription), cancellationToken);

    /// <summary>Posts an inbound SMS from <paramref name="from"/> (e.g. <c>+31612345678</c>) to <paramref name="to"/>; a fresh reference when none is given.</summary>
    public Task<HttpStatusCode> PostInboundAsync(Uri url, string from, string text, string to = "3669", string? reference = null, CancellationToken cancellationToken = default) =>
        PostRawAsync(url, InboundPayload(reference ?? Guid.NewGuid().ToString(), from, to, text, Time.GetUtcNow()), cancellationToken);

    /// <summary>Posts <paramref name="bodyJson"/> byte for byte (UTF-8): for duplicates, batches and junk.</summary>
    public async Task<HttpStatusCode> PostRawAsync(Uri url, string bodyJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(bodyJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(bodyJson));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _webhookClient.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The JSON CM posts for one status report (channels.md section 4a "Status report webhook").</summary>
    public static string StatusPayload(string reference, int statusCode, string to, DateTimeOffset received, string? errorCode = null, string? errorDescription = null) => new JsonObject
    {
        ["messages"] = new JsonObject { ["msg"] = StatusReport(reference, statusCode, to, received, errorCode, errorDescription) },
    }.ToJsonString();

    /// <summary>Several status reports in one post (<c>msg</c> as an array).</summary>
    public static string StatusBatchPayload(params JsonObject[] reports) => new JsonObject
    {
        ["messages"] = new JsonObject { ["msg"] = new JsonArray([.. reports]) },
    }.ToJsonString();

    /// <summary>One <c>msg</c> of a status report.</summary>
    public static JsonObject StatusReport(string reference, int statusCode, string to, DateTimeOffset received, string? errorCode = null, string? errorDescription = null) => new()
    {
        ["received"] = CmTime(received),
        ["to"] = to,
        ["reference"] = reference,
        ["status"] = new JsonObject
        {
            ["code"] = statusCode.ToString(CultureInfo.InvariantCulture),
            ["errorCode"] = errorCode ?? string.Empty,
            ["errorDescription"] = errorDescription ?? string.Empty,
        },
        ["operator"] = "20416",
    };

    /// <summary>The JSON CM posts for one inbound message (channels.md section 4a "Inbound (MO) webhook").</summary>
    public static string InboundPayload(string reference, string from, string to, string text, DateTimeOffset time, string channel = "SMS") => new JsonObject
    {
        ["reference"] = reference,
        ["from"] = new JsonObject { ["number"] = from, ["name"] = string.Empty },
        ["to"] = new JsonObject { ["number"] = to },
        ["message"] = new JsonObject
        {
            ["text"] = text,
            ["media"] = new JsonObject { ["mediaUri"] = string.Empty, ["contentType"] = string.Empty, ["title"] = string.Empty },
            ["custom"] = new JsonObject(),
        },
        ["groupings"] = new JsonArray(string.Empty, "messagesApi", string.Empty),
        ["timeUtc"] = CmTime(time),
        ["channel"] = channel,
    }.ToJsonString();

    private static string CmTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
