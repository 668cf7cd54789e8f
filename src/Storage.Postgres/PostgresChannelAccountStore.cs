using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Channel accounts on PostgreSQL: rows by (channel, account id), and a copy by (tenant, channel,
/// sender) for sends. A put is one batch (one transaction): its first statement is an upsert
/// whose update applies only to the same tenant's row, so when two tenants put one account id at
/// once, on one node or two, the unique key lets exactly one in. That statement also holds the
/// account's row lock until the batch commits, so the statements that follow (index maintenance)
/// see every earlier write of the account and none can interleave.
/// </summary>
public sealed class PostgresChannelAccountStore : IChannelAccountStore
{
    private const string PutAccountSql =
        "INSERT INTO channel_accounts AS held (channel, account_id, tenant_id, sender, body) VALUES ($1, $2, $3, $4, $5) " +
        "ON CONFLICT (channel, account_id) DO UPDATE SET sender = excluded.sender, body = excluded.body " +
        "WHERE held.tenant_id = excluded.tenant_id";

    private const string HeldByTenant =
        "EXISTS (SELECT 1 FROM channel_accounts WHERE channel = $1 AND account_id = $2 AND tenant_id = $3)";

    // The account's copy under a sender it no longer has goes.
    private const string DropStaleCopiesSql =
        "DELETE FROM channel_accounts_by_sender WHERE tenant_id = $3 AND channel = $1 AND account_id = $2 AND sender <> $4 AND " + HeldByTenant;

    private const string PutCopySql =
        "INSERT INTO channel_accounts_by_sender (tenant_id, channel, sender, account_id, body) " +
        "SELECT $3, $1, $4, $2, $5 WHERE " + HeldByTenant + " " +
        "ON CONFLICT (tenant_id, channel, sender) DO UPDATE SET account_id = excluded.account_id, body = excluded.body";

    private const string DeleteAccountSql = "DELETE FROM channel_accounts WHERE channel = $1 AND account_id = $2 AND tenant_id = $3";

    private const string DeleteCopiesSql =
        "DELETE FROM channel_accounts_by_sender WHERE tenant_id = $3 AND channel = $1 AND account_id = $2 AND NOT " + HeldByTenant;

    private const string ReadSql = "SELECT body FROM channel_accounts WHERE channel = $1 AND account_id = $2";
    private const string FindBySenderSql = "SELECT body FROM channel_accounts_by_sender WHERE tenant_id = $1 AND channel = $2 AND sender = $3";
    private const string ListSql = "SELECT body FROM channel_accounts_by_sender WHERE tenant_id = $1 ORDER BY channel, sender";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresChannelAccountStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask<bool> PutAsync(ChannelAccount account, CancellationToken cancellationToken = default)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(account, CoreJsonContext.Default.ChannelAccount);
        await using var batch = Sql.Batch(
            _dataSource,
            Sql.Command(PutAccountSql, AccountColumns(account, body)),
            Sql.Command(DropStaleCopiesSql, AccountColumns(account, body)),
            Sql.Command(PutCopySql, AccountColumns(account, body)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[0].RecordsAffected > 0;
    }

    public async ValueTask<ChannelAccount?> GetAsync(Channel channel, string accountId, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadSql, Sql.Text(channel.ToWire()), Sql.Text(accountId)), cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.ChannelAccount);
    }

    public async ValueTask<ChannelAccount?> FindBySenderAsync(string tenantId, Channel channel, string sender, CancellationToken cancellationToken = default)
    {
        var body = await Sql.ReadBytesAsync(
            _dataSource,
            Sql.Command(FindBySenderSql, Sql.Text(tenantId), Sql.Text(channel.ToWire()), Sql.Text(sender)),
            cancellationToken);
        return body is null ? null : Sql.Deserialize(body, CoreJsonContext.Default.ChannelAccount);
    }

    public async ValueTask<IReadOnlyList<ChannelAccount>> ListAsync(string tenantId, CancellationToken cancellationToken = default) =>
        await Sql.ReadBodiesAsync(_dataSource, Sql.Command(ListSql, Sql.Text(tenantId)), CoreJsonContext.Default.ChannelAccount, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string tenantId, Channel channel, string accountId, CancellationToken cancellationToken = default)
    {
        // The first statement locks (and deletes) the tenant's row; the second, run after it, drops
        // the copies of an account no longer held.
        await using var batch = Sql.Batch(
            _dataSource,
            Sql.Command(DeleteAccountSql, Sql.Text(channel.ToWire()), Sql.Text(accountId), Sql.Text(tenantId)),
            Sql.Command(DeleteCopiesSql, Sql.Text(channel.ToWire()), Sql.Text(accountId), Sql.Text(tenantId)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[0].RecordsAffected > 0;
    }

    /// <summary>$1–$5: channel, account id, tenant, sender, body (fresh parameters: each statement owns its own).</summary>
    private static NpgsqlParameter[] AccountColumns(ChannelAccount account, byte[] body) =>
    [
        Sql.Text(account.Channel.ToWire()),
        Sql.Text(account.AccountId),
        Sql.Text(account.TenantId),
        Sql.Text(account.Sender),
        Sql.Bytes(body),
    ];
}
