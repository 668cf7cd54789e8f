namespace MessagingGateway.Core.Store;

/// <summary>
/// Whether a store across the network can be reached now. A node that cannot reach it is not
/// ready: it would refuse what needs the store, so a load balancer should send requests elsewhere.
/// The embedded store is in the process and has none.
/// </summary>
public interface IStoreHealth
{
    /// <summary>A short, stable reason (e.g. <c>store-unreachable</c>) while the store cannot be reached; null while it can.</summary>
    ValueTask<string?> FaultAsync(CancellationToken cancellationToken = default);
}
