using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// One <c>POST /{pageId}/messages</c> a <see cref="FakeMessenger"/> got: the page token it carried
/// (query <c>access_token</c> or bearer; null when none), the <c>Authorization</c> header and the
/// query string as sent (to tell where the token travelled), the raw body, its JSON (null when it
/// was not JSON), the status it answered and the mid it gave (null on an error).
/// </summary>
public sealed record FakeMessengerSend(
    string PageId,
    string? AccessToken,
    string? Authorization,
    string Query,
    string Body,
    JsonNode? Json,
    int StatusCode,
    string? MessageId,
    DateTimeOffset ReceivedAt);
