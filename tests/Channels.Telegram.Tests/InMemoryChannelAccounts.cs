using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Telegram.Tests;

/// <summary>A tiny <see cref="IChannelAccountStore"/> for the connector tests.</summary>
internal sealed class InMemoryChannelAccounts : IChannelAccountStore
{
    private readonly List<ChannelAccount> _accounts = [];

    public ValueTask<bool> PutAsync(ChannelAccount account, CancellationToken cancellationToken = default)
    {
        lock (_accounts)
        {
            if (_accounts.Any(a => a.Channel == account.Channel && a.AccountId == account.AccountId && a.TenantId != account.TenantId))
            {
                return ValueTask.FromResult(false);
            }

            _accounts.RemoveAll(a => a.Channel == account.Channel && a.AccountId == account.AccountId);
            _accounts.Add(account);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<ChannelAccount?> GetAsync(Channel channel, string accountId, CancellationToken cancellationToken = default)
    {
        lock (_accounts)
        {
            return ValueTask.FromResult(_accounts.FirstOrDefault(a => a.Channel == channel && a.AccountId == accountId));
        }
    }

    public ValueTask<ChannelAccount?> FindBySenderAsync(string tenantId, Channel channel, string sender, CancellationToken cancellationToken = default)
    {
        lock (_accounts)
        {
            return ValueTask.FromResult(_accounts.FirstOrDefault(a => a.TenantId == tenantId && a.Channel == channel && a.Sender == sender));
        }
    }

    public ValueTask<IReadOnlyList<ChannelAccount>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_accounts)
        {
            return ValueTask.FromResult<IReadOnlyList<ChannelAccount>>([.. _accounts.Where(a => a.TenantId == tenantId)]);
        }
    }

    public ValueTask<bool> DeleteAsync(string tenantId, Channel channel, string accountId, CancellationToken cancellationToken = default)
    {
        lock (_accounts)
        {
            return ValueTask.FromResult(_accounts.RemoveAll(a => a.TenantId == tenantId && a.Channel == channel && a.AccountId == accountId) > 0);
        }
    }
}
