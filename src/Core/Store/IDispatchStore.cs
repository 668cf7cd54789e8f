using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Store;

/// <summary>
/// Where dispatch writes: the <see cref="DispatchWrites"/> of everything dispatch decided for one
/// consumer batch go to the store as one unit of work. The embedded store writes one atomic batch;
/// PostgreSQL one batch of statements, one round trip, one transaction; Cassandra would issue the
/// rows as concurrent writes per partition (every row is an upsert or keyed by id, so a unit
/// partly written before a crash and replayed changes nothing twice). The write completes when
/// its rows are readable, and hand-overs are durable.
/// </summary>
public interface IDispatchStore
{
    /// <summary>
    /// Writes every unit of <paramref name="units"/> at once (all of one log partition, possibly of
    /// several tenants); returns the outbox entries of the events stored now (none for an event
    /// stored before, or for a tenant without an endpoint).
    /// </summary>
    ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(IReadOnlyList<DispatchWrites> units, CancellationToken cancellationToken = default);

    /// <summary>Writes one unit: <see cref="WriteAsync(IReadOnlyList{DispatchWrites}, CancellationToken)"/> of just it.</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(DispatchWrites writes, CancellationToken cancellationToken = default) =>
        WriteAsync([writes], cancellationToken);
}
