namespace MessagingGateway.Core.Channels;

/// <summary>One thing a provider's webhook reported: a customer's message, a status of one of ours, or a read up to a time.</summary>
public abstract record ProviderEvent;
