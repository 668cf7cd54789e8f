using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>Channel accounts: by (channel, account id) for provider webhooks, by (tenant, channel, sender) for sends.</summary>
public interface IChannelAccountStore
{
    /// <summary>Creates or replaces the account; false when another tenant holds that account id on the channel.</summary>
    ValueTask<bool> PutAsync(ChannelAccount account, CancellationToken cancellationToken = default);

    ValueTask<ChannelAccount?> GetAsync(Channel channel, string accountId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's account whose sender is <paramref name="sender"/> on the channel.</summary>
    ValueTask<ChannelAccount?> FindBySenderAsync(string tenantId, Channel channel, string sender, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<ChannelAccount>> ListAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>False when the tenant has no such account.</summary>
    ValueTask<bool> DeleteAsync(string tenantId, Channel channel, string accountId, CancellationToken cancellationToken = default);
}
