using MessagingGateway.Core.Payments;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>The sandbox provider's own rows on PostgreSQL: committed before the call returns, as a real provider's would be.</summary>
public sealed class PostgresProviderStateStore : IProviderStateStore
{
    private const string ReadSql = "SELECT value FROM sandbox_provider WHERE key = $1";

    private const string PutSql =
        "INSERT INTO sandbox_provider (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresProviderStateStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await Sql.ReadBytesAsync(_dataSource, Sql.Command(ReadSql, Sql.Text(key)), cancellationToken);

    public async ValueTask PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(_dataSource, Sql.Command(PutSql, Sql.Text(key), Sql.Bytes(value)), cancellationToken);
}
