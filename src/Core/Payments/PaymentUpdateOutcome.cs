using MessagingGateway.Core.Model;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Payments;

/// <summary>
/// What applying a <see cref="PaymentUpdate"/> asks the dispatcher to do: events to publish and
/// outbound messages (confirmations) to place on the timeline and send. Ids are derived from the
/// payment and status, so applying an update again yields the same, and nothing happens twice.
/// </summary>
public sealed record PaymentUpdateOutcome(IReadOnlyList<WebhookEvent> Events, IReadOnlyList<Message> Messages)
{
    public static PaymentUpdateOutcome None { get; } = new([], []);
}
