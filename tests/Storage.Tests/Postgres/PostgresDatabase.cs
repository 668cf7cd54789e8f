using MessagingGateway.Storage.Postgres;
using Npgsql;

namespace MessagingGateway.Storage.Tests.Postgres;

/// <summary>
/// A database of one test class's own (a class fixture), so classes run in parallel without
/// seeing each other's rows: created on the shared server, migrated, dropped at the end. Tests of
/// a class run one after another; <see cref="ResetAsync"/> empties the tables between them.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private string? _admin;
    private PostgresStorage? _storage;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The storage opened on this database (its first node).</summary>
    public PostgresStorage Storage => _storage ?? throw new InvalidOperationException("The database is not initialised.");

    public NpgsqlDataSource DataSource => Storage.DataSource;

    public async Task InitializeAsync()
    {
        _admin = await PostgresServer.AdminConnectionStringAsync();
        ConnectionString = await CreateDatabaseAsync();
        _storage = await PostgresStorage.OpenAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        if (_admin is null)
        {
            return;
        }

        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        foreach (var name in _databases)
        {
            // FORCE: a second node a test opened and forgot must not keep the database alive.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A further empty database on the same server (not migrated), dropped with this one.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "mgw_test_" + Guid.NewGuid().ToString("N")[..20];
        await using (var admin = new NpgsqlConnection(_admin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(_admin) { Database = name }.ConnectionString;
    }

    /// <summary>Empties every table but the schema's record of migrations.</summary>
    public async Task ResetAsync()
    {
        const string Truncate =
            "DO $$ BEGIN EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I', tablename), ', ') FROM pg_tables " +
            "WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'); END $$";
        await using var command = DataSource.CreateCommand(Truncate);
        await command.ExecuteNonQueryAsync();
    }
}
