using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Gateway.Tests;

/// <summary>Dispatch's real store, except that placing a message whose text is <see cref="PoisonText"/> on its timeline fails, every time, until <see cref="Heal"/>.</summary>
internal sealed class PoisonTimelineStore(IDispatchStore inner) : IDispatchStore
{
    public const string PoisonText = "poison";

    private volatile bool _healed;

    public void Heal() => _healed = true;

    public ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(IReadOnlyList<DispatchWrites> units, CancellationToken cancellationToken = default)
    {
        if (!_healed)
        {
            foreach (var writes in units)
            {
                foreach (var append in writes.Timeline)
                {
                    if (append.Message.Content.Text == PoisonText)
                    {
                        throw new InvalidOperationException("injected: this message cannot be stored");
                    }
                }
            }
        }

        return inner.WriteAsync(units, cancellationToken);
    }
}
