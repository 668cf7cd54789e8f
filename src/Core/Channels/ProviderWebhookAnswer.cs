namespace MessagingGateway.Core.Channels;

/// <summary>
/// What to put in the body of the 200 the provider gets once the post is stored. Telegram reads
/// a Bot API call there (<c>{"method":"answerCallbackQuery",…}</c>): it stops the spinner on the
/// customer's pressed button without a request of our own.
/// </summary>
public sealed record ProviderWebhookAnswer(string ContentType, ReadOnlyMemory<byte> Body) : ProviderEvent;
