using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// One <c>POST /{phoneNumberId}/messages</c> a <see cref="FakeWhatsApp"/> got: the raw body, its
/// JSON (null when it was not JSON), the status it answered and the wamid it gave (null on an error).
/// </summary>
public sealed record FakeWhatsAppSend(
    string PhoneNumberId,
    string? Authorization,
    string Body,
    JsonNode? Json,
    int StatusCode,
    string? Wamid,
    DateTimeOffset ReceivedAt);
