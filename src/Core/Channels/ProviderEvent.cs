namespace MessagingGateway.Core.Channels;

/// <summary>One thing a provider's webhook reported: a customer's message or a status of one of ours.</summary>
public abstract record ProviderEvent;
