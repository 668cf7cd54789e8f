using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// Brings the database to the schema this build knows: the embedded <c>Schema/NNNN_name.sql</c>
/// files, each applied once, in order, in a transaction of its own together with its row in
/// <c>schema_migrations</c>. Nodes starting at once take turns under a session advisory lock; the
/// one that waited finds the files applied and applies nothing.
/// </summary>
public static partial class PostgresSchema
{
    /// <summary>
    /// The advisory lock key of schema changes ("MGW_SCHM"; advisory locks are per database). A
    /// session holding <c>pg_advisory_lock</c> on it keeps every node from migrating until it lets go.
    /// </summary>
    public const long MigrationLockKey = 0x4D_47_57_5F_53_43_48_4D;

    private const string ResourcePrefix = "Schema/";

    private const string CreateMigrationsSql =
        "CREATE TABLE IF NOT EXISTS schema_migrations (" +
        "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

    private const string ReadAppliedSql = "SELECT version FROM schema_migrations";
    private const string RecordAppliedSql = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

    /// <summary>The schema versions this build carries, in order.</summary>
    public static IReadOnlyList<int> KnownVersions => [.. Migrations().Select(m => m.Version)];

    /// <summary>Applies the migrations the database lacks; returns the versions this call applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        logger ??= NullLogger.Instance;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock($1)", cancellationToken))
        {
            LogWaiting(logger);
            await ScalarAsync<object>(connection, "SELECT pg_advisory_lock($1)", cancellationToken);
        }

        try
        {
            return await ApplyAsync(connection, logger, cancellationToken);
        }
        finally
        {
            // A broken connection has lost the lock with its session already.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock($1)", CancellationToken.None);
            }
        }
    }

    private static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(CreateMigrationsSql, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand(ReadAppliedSql, connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var appliedNow = new List<int>();
        foreach (var migration in Migrations().Where(m => !applied.Contains(m.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 })
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(RecordAppliedSql, connection, transaction))
            {
                record.Parameters.Add(Sql.Int(migration.Version));
                record.Parameters.Add(Sql.Text(migration.Name));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            appliedNow.Add(migration.Version);
            LogApplied(logger, migration.Version, migration.Name);
        }

        if (appliedNow.Count == 0)
        {
            LogUpToDate(logger, applied.Count == 0 ? 0 : applied.Max());
        }

        return appliedNow;
    }

    /// <summary>Runs a one-parameter lock function; no timeout, since waiting for another node's migration is the point.</summary>
    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.Add(Sql.Long(MigrationLockKey));
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is T value ? value : default!;
    }

    private static IEnumerable<(int Version, string Name, string Sql)> Migrations()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Read(assembly, name))
            .OrderBy(m => m.Version);
    }

    private static (int Version, string Name, string Sql) Read(Assembly assembly, string resource)
    {
        var name = resource[ResourcePrefix.Length..^".sql".Length];
        var digits = name.IndexOf('_', StringComparison.Ordinal);
        if (digits <= 0 || !int.TryParse(name.AsSpan(0, digits), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Schema file {resource} is not named NNNN_name.sql.");
        }

        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var text = new StreamReader(stream);
        return (version, name, text.ReadToEnd());
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Waiting for another node to finish migrating the schema")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Schema is up to date at version {Version}")]
    private static partial void LogUpToDate(ILogger logger, int version);
}
