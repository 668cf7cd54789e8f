using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// One <c>POST /v1.0/message</c> a <see cref="FakeCm"/> got: the product token it carried (header
/// or body) and the <c>X-CM-PRODUCTTOKEN</c> header as sent (null when absent), the raw body, its JSON (null when it was not JSON), the HTTP status and <c>errorCode</c>
/// it answered, and the first message's <c>reference</c> and <c>to</c>.
/// </summary>
public sealed record FakeCmSend(
    string? ProductToken,
    string? HeaderToken,
    string Body,
    JsonNode? Json,
    int StatusCode,
    int ErrorCode,
    string? Reference,
    string? To,
    DateTimeOffset ReceivedAt);
