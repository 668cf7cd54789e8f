using System.Text.Json.Nodes;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// One <c>POST /bot{token}/{method}</c> a <see cref="FakeTelegram"/> got: the raw body, its JSON
/// (null when it was not JSON), the status it answered and, for a send, the <c>message_id</c> it gave.
/// </summary>
public sealed record FakeTelegramRequest(
    string BotToken,
    string Method,
    string Body,
    JsonNode? Json,
    int StatusCode,
    long? MessageId,
    DateTimeOffset ReceivedAt);
