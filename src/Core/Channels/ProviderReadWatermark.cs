namespace MessagingGateway.Core.Channels;

/// <summary>
/// A read receipt that names no message (Messenger's <c>read: { watermark }</c>): the customer
/// <see cref="CustomerAddress"/> has read every message sent to them up to <see cref="Watermark"/>
/// (the provider's time, millisecond precision); <see cref="At"/> is when they read it. The
/// gateway resolves it against the conversation's outbound messages handed over by then.
/// </summary>
public sealed record ProviderReadWatermark(string CustomerAddress, DateTimeOffset Watermark, DateTimeOffset At) : ProviderEvent;
