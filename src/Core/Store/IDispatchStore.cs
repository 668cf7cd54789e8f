using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Store;

/// <summary>
/// Where dispatch writes: a <see cref="DispatchWrites"/> goes to the store as one unit of work.
/// The embedded store writes one atomic batch per unit (RocksDB combines units written at the
/// same time); PostgreSQL would send one batch of statements per unit, one round trip; Cassandra
/// would issue the unit's rows as concurrent writes per partition (every row is an upsert or
/// keyed by id, so a unit partly written before a crash and replayed changes nothing twice).
/// The write completes when its rows are readable, and hand-overs are durable.
/// </summary>
public interface IDispatchStore
{
    /// <summary>Writes <paramref name="writes"/>; returns the outbox entries of the events stored now (none for an event stored before, or for a tenant without an endpoint).</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(DispatchWrites writes, CancellationToken cancellationToken = default);
}
