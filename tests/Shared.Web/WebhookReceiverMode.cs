namespace MessagingGateway.Tests.Shared;

/// <summary>How a <see cref="WebhookReceiver"/> answers the next webhooks it receives.</summary>
public enum WebhookReceiverMode
{
    /// <summary>204 No Content: delivered.</summary>
    Accept,

    /// <summary>500: a failure the sender should retry.</summary>
    Fail,

    /// <summary>Waits <see cref="WebhookReceiver.SlowDelay"/>, then 204: exercises the sender's timeout.</summary>
    Slow,

    /// <summary>410 Gone: the receiver wants no more webhooks (Standard Webhooks: disable the endpoint).</summary>
    Drop,
}
