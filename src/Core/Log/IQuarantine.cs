namespace MessagingGateway.Core.Log;

/// <summary>
/// Records dispatch gave up on, so that one bad record no longer holds its partition's committed
/// position: the operator lists them, fixes the cause, and replays them into the log. Keyed by
/// <see cref="QuarantinedRecord.Id"/>; a table of its own in Cassandra.
/// </summary>
public interface IQuarantine
{
    ValueTask PutAsync(QuarantinedRecord record, CancellationToken cancellationToken = default);

    ValueTask<QuarantinedRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Records with ids after <paramref name="afterId"/> (ordinal), in id order.</summary>
    ValueTask<IReadOnlyList<QuarantinedRecord>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken = default);

    ValueTask DeleteAsync(string id, CancellationToken cancellationToken = default);
}
