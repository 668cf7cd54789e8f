namespace MessagingGateway.Core.Payments;

/// <summary>
/// Where a simulated provider (the sandbox checkout) keeps its own side of payments, apart from
/// ours, so that fetching from it after a notification is a real fetch. Keys are the provider's.
/// </summary>
public interface IProviderStateStore
{
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    ValueTask PutAsync(string key, byte[] value, CancellationToken cancellationToken = default);
}
