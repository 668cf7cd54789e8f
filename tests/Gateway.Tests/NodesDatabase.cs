using Npgsql;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// A database of one test's own on the shared test server (<see cref="PostgresServer"/>), for
/// gateway nodes started with <c>--store postgres</c>; the nodes create and migrate its tables.
/// Dropped on dispose, WITH (FORCE): the connections of a node still running or killed go with it.
/// </summary>
internal sealed class NodesDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private NodesDatabase(string admin, string name)
    {
        _admin = admin;
        _name = name;
    }

    /// <summary>The Npgsql connection string to pass as <c>--postgres</c>.</summary>
    /// <summary>For a node: its pool is kept small, as test classes share the server's connection limit.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_admin) { Database = _name, MaxPoolSize = 20 }.ConnectionString;

    public static async Task<NodesDatabase> CreateAsync()
    {
        var admin = await PostgresServer.AdminConnectionStringAsync();
        var database = new NodesDatabase(admin, "mgw_nodes_" + Guid.NewGuid().ToString("N")[..16]);
        await database.ExecuteAsync($"CREATE DATABASE \"{database._name}\"");
        return database;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");

    private async Task ExecuteAsync(string statement)
    {
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(statement, admin);
        await command.ExecuteNonQueryAsync();
    }
}
