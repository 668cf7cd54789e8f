using MessagingGateway.Core.Store;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MessagingGateway.Storage.Postgres;

/// <summary>
/// The shared store on PostgreSQL: one <see cref="NpgsqlDataSource"/> (one connection pool) for
/// every store, the schema migrated before any is used, closed on dispose. Every node of a
/// deployment opens one against the same database.
/// </summary>
public sealed class PostgresStorage : IStoreHealth, IAsyncDisposable
{
    private PostgresStorage(NpgsqlDataSource dataSource, IReadOnlyList<int> appliedMigrations, TimeSpan? idempotencyRetention, TimeProvider? time)
    {
        DataSource = dataSource;
        AppliedMigrations = appliedMigrations;
        Store = new PostgresConversationStore(dataSource, idempotencyRetention, time);
        Ledger = new PostgresDeliveryLedger(dataSource);
        Handsets = new PostgresHandsetInbox(dataSource);
        Payments = new PostgresPaymentStore(dataSource);
        ProviderState = new PostgresProviderStateStore(dataSource);
        ChannelAccounts = new PostgresChannelAccountStore(dataSource);
        Quarantine = new PostgresQuarantine(dataSource);
        Webhooks = new PostgresWebhookStore(dataSource);
        DispatchStore = new PostgresDispatchStore(dataSource, Webhooks);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema versions this start applied (none when the database had them already).</summary>
    public IReadOnlyList<int> AppliedMigrations { get; }

    public PostgresConversationStore Store { get; }

    public PostgresDeliveryLedger Ledger { get; }

    public PostgresHandsetInbox Handsets { get; }

    public PostgresPaymentStore Payments { get; }

    public PostgresProviderStateStore ProviderState { get; }

    public PostgresChannelAccountStore ChannelAccounts { get; }

    public PostgresQuarantine Quarantine { get; }

    public PostgresWebhookStore Webhooks { get; }

    public PostgresDispatchStore DispatchStore { get; }

    /// <summary>
    /// Opens the pool for <paramref name="connectionString"/> (an Npgsql connection string) and
    /// migrates the schema. Npgsql logs through <paramref name="loggerFactory"/> when given; neither
    /// it nor this type ever logs the connection string.
    /// </summary>
    /// <param name="idempotencyRetention">How long idempotency records live (default 24 h).</param>
    /// <param name="time">The clock idempotency expiry is judged by.</param>
    public static async Task<PostgresStorage> OpenAsync(
        string connectionString,
        TimeSpan? idempotencyRetention = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Prepared statements: the stores use a few dozen fixed SQL texts, each run over and
            // over, so each connection parses and plans each once (unless the operator chose otherwise).
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        var dataSource = builder.Build();
        try
        {
            var applied = await PostgresSchema.MigrateAsync(dataSource, loggerFactory?.CreateLogger(typeof(PostgresSchema)), cancellationToken);
            return new PostgresStorage(dataSource, applied, idempotencyRetention, time);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>How long a readiness probe waits for the server before calling it unreachable.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public async ValueTask<string?> FaultAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await using var probe = DataSource.CreateCommand("SELECT 1");
            await probe.ExecuteScalarAsync(timeout.Token);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return "store-unreachable";
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
