using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// Owns the embedded database and the log and stores on it, and closes them in order: the log
/// flushes what is queued, then the database closes.
/// </summary>
public sealed partial class EmbeddedStorage : IAsyncDisposable
{
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
        if (Log is not null)
        {
            await Log.DisposeAsync();
        }

        Database.Dispose();
    }

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Moved {Count} events into per-partition streams (cursors from before start again)")]
    private partial void LogEventsUpgraded(int count);
}
