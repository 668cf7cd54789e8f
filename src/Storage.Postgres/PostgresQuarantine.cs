using MessagingGateway.Core.Log;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Quarantined log records on PostgreSQL, one row per record id, in plain columns an operator can
/// query; the record's key and value are kept byte for byte. Times are kept to the millisecond,
/// as on the embedded quarantine, so both give back the same record.
/// </summary>
public sealed class PostgresQuarantine : IQuarantine
{
    private const string Columns = "record_id, log_partition, log_offset, log_stream, attempts, error, at, record_key, record_value";

    private const string PutSql =
        "INSERT INTO quarantine (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) " +
        "ON CONFLICT (record_id) DO UPDATE SET log_partition = excluded.log_partition, log_offset = excluded.log_offset, " +
        "log_stream = excluded.log_stream, attempts = excluded.attempts, error = excluded.error, at = excluded.at, " +
        "record_key = excluded.record_key, record_value = excluded.record_value";

    private const string ReadSql = "SELECT " + Columns + " FROM quarantine WHERE record_id = $1";

    // Ordinal order: the "C" collation compares bytes.
    private const string ListSql = "SELECT " + Columns + " FROM quarantine WHERE ($1::text IS NULL OR record_id > $1) ORDER BY record_id LIMIT $2";

    private const string DeleteSql = "DELETE FROM quarantine WHERE record_id = $1";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresQuarantine(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async ValueTask PutAsync(QuarantinedRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await Sql.ExecuteAsync(
            _dataSource,
            Sql.Command(
                PutSql,
                Sql.Text(record.Id),
                Sql.Int(record.Position.Partition),
                Sql.Long(record.Position.Offset),
                Sql.Short((byte)record.Position.Stream),
                Sql.Int(record.Attempts),
                Sql.Text(record.Error.Replace('\0', '\uFFFD')), // text cannot hold NUL; an error message never needs one
                Sql.Time(DateTimeOffset.FromUnixTimeMilliseconds(record.At.ToUnixTimeMilliseconds())),
                Sql.Bytes(record.Key),
                Sql.Bytes(record.Value)),
            cancellationToken);
    }

    public async ValueTask<QuarantinedRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var records = await ReadAsync(Sql.Command(ReadSql, Sql.Text(id)), cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    public async ValueTask<IReadOnlyList<QuarantinedRecord>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken = default) =>
        limit <= 0 ? [] : await ReadAsync(Sql.Command(ListSql, Sql.Text(afterId), Sql.Int(limit)), cancellationToken);

    public async ValueTask DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(_dataSource, Sql.Command(DeleteSql, Sql.Text(id)), cancellationToken);

    private async Task<List<QuarantinedRecord>> ReadAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        await using var batch = Sql.Batch(_dataSource, command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var records = new List<QuarantinedRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var position = new LogPosition(reader.GetInt32(1), reader.GetInt64(2), (LogStream)reader.GetInt16(3));
            records.Add(new QuarantinedRecord(
                reader.GetString(0),
                position,
                reader.GetFieldValue<byte[]>(7),
                reader.GetFieldValue<byte[]>(8),
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return records;
    }
}
