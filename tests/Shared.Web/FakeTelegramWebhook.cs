namespace MessagingGateway.Tests.Shared;

/// <summary>The webhook a bot has set on a <see cref="FakeTelegram"/> (<c>setWebhook</c>).</summary>
public sealed record FakeTelegramWebhook(string Url, string? SecretToken, IReadOnlyList<string>? AllowedUpdates);
