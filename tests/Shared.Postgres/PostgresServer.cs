using Npgsql;

namespace MessagingGateway.Tests.Shared;

/// <summary>
/// The PostgreSQL server of this test process, found on first use: the one <c>MGW_TEST_POSTGRES</c>
/// names (an Npgsql connection string of a role that may create databases), else a throwaway
/// cluster of our own. Never skipped: without either, every PostgreSQL test fails saying how to get one.
/// </summary>
internal static class PostgresServer
{
    public const string EnvironmentVariable = "MGW_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(FindAsync);

    /// <summary>A connection string to the server's maintenance database, for creating test databases.</summary>
    public static Task<string> AdminConnectionStringAsync() => Server.Value;

    public static string HowToGetOne(string problem) =>
        $"The PostgreSQL tests need a server, and {problem}. Either set {EnvironmentVariable} to an Npgsql connection string " +
        "of a role that may create databases (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=…), or install PostgreSQL " +
        "(Debian/Ubuntu: apt-get install postgresql; it provides /usr/lib/postgresql/<version>/bin/initdb and pg_ctl) so the tests " +
        "start a throwaway cluster of their own.";

    private static async Task<string> FindAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            return await ThrowawayCluster.StartAsync();
        }

        try
        {
            await using var connection = new NpgsqlConnection(configured);
            await connection.OpenAsync();
            return configured;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            // Where it pointed, never the whole string: it may hold a password.
            throw new InvalidOperationException(HowToGetOne($"the server {EnvironmentVariable} names ({Describe(configured)}) could not be reached: {ex.Message}"), ex);
        }
    }

    private static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"host {builder.Host}, port {builder.Port}, database {builder.Database}, user {builder.Username}";
        }
        catch (ArgumentException)
        {
            return "not a valid connection string";
        }
    }
}
