namespace MessagingGateway.Core.Channels;

/// <summary>
/// What to answer the provider's post with once it is stored (the 200's body), for a provider that
/// reads it: Telegram runs a Bot API method given there, e.g. <c>answerCallbackQuery</c>, so the
/// button the customer pressed stops spinning. Neither a message nor a status: nothing of it is stored.
/// </summary>
public sealed record ProviderWebhookReply(string ContentType, string Body) : ProviderEvent;
