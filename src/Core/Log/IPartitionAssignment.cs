namespace MessagingGateway.Core.Log;

/// <summary>
/// Told which partitions a consumer owns. On a rebalance, <see cref="Revoked"/> runs before the
/// partitions move: the owner finishes or abandons their work and commits what is finished, so
/// the next owner starts exactly after it.
/// </summary>
public interface IPartitionAssignment
{
    void Assigned(IReadOnlyList<int> partitions);

    void Revoked(IReadOnlyList<int> partitions);
}
