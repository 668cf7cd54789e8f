using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Store;

/// <summary>
/// Where dispatch writes: a <see cref="DispatchWrites"/> goes to the store as one unit of work,
/// and the writes of lanes that ask at the same time are combined (a group write). The embedded
/// store writes one atomic batch per group; PostgreSQL would send one batch of statements per
/// group; Cassandra would issue the group's rows as concurrent writes per partition (every row
/// is an upsert or keyed by id, so a partial group replayed after a crash changes nothing twice).
/// The write completes when its rows are readable, and hand-overs are durable.
/// </summary>
public interface IDispatchStore
{
    /// <summary>Writes <paramref name="writes"/>; returns the outbox entries of the events stored now (none for an event stored before, or for a tenant without an endpoint).</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> WriteAsync(DispatchWrites writes, CancellationToken cancellationToken = default);
}
