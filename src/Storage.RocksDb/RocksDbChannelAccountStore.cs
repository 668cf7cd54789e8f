using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// Channel accounts on the embedded database: rows by (channel, account id), an index by
/// (tenant, channel, sender) for sends. A lock keeps an account id to one tenant per channel.
/// </summary>
public sealed class RocksDbChannelAccountStore(EmbeddedDatabase database) : IChannelAccountStore
{
    private readonly ColumnFamilyHandle _accounts = database.Family(EmbeddedDatabase.ChannelAccountsFamily);
    private readonly ColumnFamilyHandle _bySender = database.Family(EmbeddedDatabase.ChannelAccountsBySenderFamily);
    private readonly Lock _lock = new();

    public ValueTask<bool> PutAsync(ChannelAccount account, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = Key(account.Channel.ToWire(), account.AccountId);
            var previous = Read(key);
            if (previous is not null && previous.TenantId != account.TenantId)
            {
                return ValueTask.FromResult(false);
            }

            using var batch = new WriteBatch();
            if (previous is not null && previous.Sender != account.Sender)
            {
                batch.Delete(Key(previous.TenantId, previous.Channel.ToWire(), previous.Sender), _bySender);
            }

            batch.Put(key, JsonSerializer.SerializeToUtf8Bytes(account, CoreJsonContext.Default.ChannelAccount), _accounts);
            batch.Put(Key(account.TenantId, account.Channel.ToWire(), account.Sender), key, _bySender);
            database.Db.Write(batch, database.BufferedWrite);
            database.FlushWal();
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<ChannelAccount?> GetAsync(Channel channel, string accountId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(Key(channel.ToWire(), accountId)));

    public ValueTask<ChannelAccount?> FindBySenderAsync(string tenantId, Channel channel, string sender, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(database.Db.Get(Key(tenantId, channel.ToWire(), sender), _bySender) is { } key ? Read(key) : null);

    public ValueTask<IReadOnlyList<ChannelAccount>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var prefix = Key(tenantId, "");
        var accounts = new List<ChannelAccount>();
        using var iterator = database.Db.NewIterator(_bySender);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.GetKeySpan().StartsWith(prefix); iterator.Next())
        {
            if (Read(iterator.Value()) is { } account)
            {
                accounts.Add(account);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<ChannelAccount>>(accounts);
    }

    public ValueTask<bool> DeleteAsync(string tenantId, Channel channel, string accountId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = Key(channel.ToWire(), accountId);
            if (Read(key) is not { } account || account.TenantId != tenantId)
            {
                return ValueTask.FromResult(false);
            }

            using var batch = new WriteBatch();
            batch.Delete(key, _accounts);
            batch.Delete(Key(tenantId, channel.ToWire(), account.Sender), _bySender);
            database.Db.Write(batch, database.BufferedWrite);
            database.FlushWal();
            return ValueTask.FromResult(true);
        }
    }

    private ChannelAccount? Read(byte[] key) =>
        database.Db.Get(key, _accounts) is { } row ? JsonSerializer.Deserialize(row, CoreJsonContext.Default.ChannelAccount) : null;

    /// <summary>Parts joined by 0 bytes (no part holds one), so no key is a prefix of another's.</summary>
    private static byte[] Key(params string[] parts) => Encoding.UTF8.GetBytes(string.Join('\0', parts));
}
