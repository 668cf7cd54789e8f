using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// Owns the embedded database and the log and stores on it, and closes them in order: the log
/// flushes what is queued, then the database closes. Expired idempotency records are swept
/// every <see cref="SweepInterval"/>.
/// </summary>
public sealed partial class EmbeddedStorage : IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly Timer _sweep;
    private readonly ILogger<EmbeddedStorage> _logger;

    public EmbeddedStorage(GatewayOptions options, TimeProvider time, ILogger<EmbeddedStorage> logger)
    {
        _logger = logger;
        // With Kafka as the transport the log lives there; the store stays here.
        var embeddedLog = options.Transport == "embedded";
        Database = EmbeddedDatabase.Open(options.DataDir, holdsLog: embeddedLog);
        try
        {
            var moved = EventStreamUpgrade.Run(Database, options.Partitions);
            if (moved > 0)
            {
                LogEventsUpgraded(moved);
            }

            Log = embeddedLog ? new EmbeddedLog(Database, new EmbeddedLogOptions { PartitionCount = options.Partitions }) : null;
        }
        catch
        {
            Database.Dispose();
            throw;
        }

        Store = new RocksDbConversationStore(Database, options.IdempotencyRetention, time);
        Ledger = new RocksDbDeliveryLedger(Database);
        Handsets = new RocksDbHandsetInbox(Database);
        Webhooks = new RocksDbWebhookStore(Database);
        Payments = new RocksDbPaymentStore(Database);
        ProviderState = new RocksDbProviderStateStore(Database);
        ChannelAccounts = new RocksDbChannelAccountStore(Database);
        Quarantine = new RocksDbQuarantine(Database);
        DispatchStore = new RocksDbDispatchStore(Database, Store, Ledger, Webhooks);
        _sweep = new Timer(_ => SweepIdempotency(), null, SweepInterval, SweepInterval);
    }

    public EmbeddedDatabase Database { get; }

    public EmbeddedLog? Log { get; }

    public RocksDbConversationStore Store { get; }

    public RocksDbDeliveryLedger Ledger { get; }

    public RocksDbHandsetInbox Handsets { get; }

    public RocksDbWebhookStore Webhooks { get; }

    public RocksDbPaymentStore Payments { get; }

    public RocksDbProviderStateStore ProviderState { get; }

    public RocksDbChannelAccountStore ChannelAccounts { get; }

    public RocksDbQuarantine Quarantine { get; }

    public RocksDbDispatchStore DispatchStore { get; }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync(); // waits for a running sweep: the database closes next

        if (Log is not null)
        {
            await Log.DisposeAsync();
        }

        Database.Dispose();
    }

    private void SweepIdempotency()
    {
        try
        {
            const int Limit = 10_000;
            int visited;
            var swept = 0;
            do
            {
                visited = Store.RemoveExpiredIdempotency(Limit);
                swept += visited;
            }
            while (visited == Limit);

            if (swept > 0)
            {
                LogSwept(swept);
            }
        }
        catch (Exception ex)
        {
            // The next sweep tries again; expired records already read as absent.
            LogSweepFailed(ex);
        }
    }

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Moved {Count} events into per-partition streams (cursors from before start again)")]
    private partial void LogEventsUpgraded(int count);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Swept {Count} expired idempotency entries")]
    private partial void LogSwept(int count);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Sweeping expired idempotency records failed")]
    private partial void LogSweepFailed(Exception exception);
}
