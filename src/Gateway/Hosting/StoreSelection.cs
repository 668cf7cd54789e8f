using System.Data.Common;
using System.Net.Sockets;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.Postgres;
using Npgsql;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// Which store the ports are on: the embedded RocksDB (default; this process's own) or PostgreSQL
/// (<c>--store postgres --postgres "&lt;connection string&gt;"</c>), shared by every node of a
/// deployment so that any node answers the same.
/// </summary>
internal static class StoreSelection
{
    /// <summary>
    /// Npgsql's own meter, exported with ours: pool usage (<c>db.client.connection.count</c> by state,
    /// <c>db.client.connection.max</c>, <c>db.client.connection.npgsql.pending_requests</c>, timeouts)
    /// and statement latency (<c>db.client.operation.duration</c>).
    /// </summary>
    public const string PostgresMeterName = "Npgsql";

    public static void Validate(GatewayOptions options)
    {
        switch (options.Store)
        {
            case "embedded":
                return;
            case "postgres" when string.IsNullOrWhiteSpace(options.Postgres):
                throw new GatewayStartupException("--store postgres needs --postgres \"Host=…;Username=…;Password=…;Database=…\" (an Npgsql connection string).");
            case "postgres":
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.Postgres);
                }
                catch (ArgumentException)
                {
                    // Never echo the string: it holds a password.
                    throw new GatewayStartupException("--postgres is not an Npgsql connection string (Host=…;Username=…;Password=…;Database=…).");
                }

                return;
            default:
                throw new GatewayStartupException($"--store must be embedded or postgres (got {options.Store}).");
        }
    }

    public static void Register(IServiceCollection services, GatewayOptions options)
    {
        if (options.Store != "postgres")
        {
            services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<EmbeddedStorage>().Store);
            services.AddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<EmbeddedStorage>().Ledger);
            services.AddSingleton<IHandsetInbox>(sp => sp.GetRequiredService<EmbeddedStorage>().Handsets);
            services.AddSingleton<IWebhookStore>(sp => sp.GetRequiredService<EmbeddedStorage>().Webhooks);
            services.AddSingleton<IQuarantine>(sp => sp.GetRequiredService<EmbeddedStorage>().Quarantine);
            services.AddSingleton<IDispatchStore>(sp => sp.GetRequiredService<EmbeddedStorage>().DispatchStore);
            services.AddSingleton<IPaymentStore>(sp => sp.GetRequiredService<EmbeddedStorage>().Payments);
            services.AddSingleton<IProviderStateStore>(sp => sp.GetRequiredService<EmbeddedStorage>().ProviderState);
            services.AddSingleton<IChannelAccountStore>(sp => sp.GetRequiredService<EmbeddedStorage>().ChannelAccounts);
            services.AddHostedService(sp => new IdempotencySweep(
                (limit, _) => Task.FromResult(sp.GetRequiredService<EmbeddedStorage>().Store.RemoveExpiredIdempotency(limit)),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<IdempotencySweep>>()));
            return;
        }

        // Opened (and the schema migrated) when the host resolves the store at start.
        services.AddSingleton(sp => Open(options, sp));
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<PostgresStorage>());
        services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<PostgresStorage>().Store);
        services.AddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<PostgresStorage>().Ledger);
        services.AddSingleton<IHandsetInbox>(sp => sp.GetRequiredService<PostgresStorage>().Handsets);
        services.AddSingleton<IWebhookStore>(sp => sp.GetRequiredService<PostgresStorage>().Webhooks);
        services.AddSingleton<IQuarantine>(sp => sp.GetRequiredService<PostgresStorage>().Quarantine);
        services.AddSingleton<IDispatchStore>(sp => sp.GetRequiredService<PostgresStorage>().DispatchStore);
        services.AddSingleton<IPaymentStore>(sp => sp.GetRequiredService<PostgresStorage>().Payments);
        services.AddSingleton<IProviderStateStore>(sp => sp.GetRequiredService<PostgresStorage>().ProviderState);
        services.AddSingleton<IChannelAccountStore>(sp => sp.GetRequiredService<PostgresStorage>().ChannelAccounts);
        services.AddHostedService(sp => new IdempotencySweep(
            sp.GetRequiredService<PostgresStorage>().Store.RemoveExpiredIdempotencyAsync,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IdempotencySweep>>()));
    }

    /// <summary>A failure to reach the store (refused, dropped, timed out), as opposed to a fault in a request.</summary>
    public static bool IsUnreachable(Exception? error) => error switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        DbException { InnerException: { } inner } => IsUnreachable(inner),
        _ => false,
    };

    private static PostgresStorage Open(GatewayOptions options, IServiceProvider services)
    {
        try
        {
            return PostgresStorage.OpenAsync(
                options.Postgres!,
                options.IdempotencyRetention,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>()).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The message names the server and the cause, never the connection string's password.
            throw new GatewayStartupException("The PostgreSQL store could not be opened: " + ex.Message, ex);
        }
    }
}
