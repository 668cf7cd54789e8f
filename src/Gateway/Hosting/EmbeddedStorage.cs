using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Gateway.Hosting;

/// <summary>
/// Owns the embedded database and the log and stores on it, and closes them in order: the log
/// flushes what is queued, then the database closes.
/// </summary>
public sealed class EmbeddedStorage : IAsyncDisposable
{
    public EmbeddedStorage(GatewayOptions options)
    {
        // With Kafka as the transport the log lives there; the store stays here.
        var embeddedLog = options.Transport == "embedded";
        Database = EmbeddedDatabase.Open(options.DataDir, holdsLog: embeddedLog);
        try
        {
            Log = embeddedLog ? new EmbeddedLog(Database, new EmbeddedLogOptions { PartitionCount = options.Partitions }) : null;
        }
        catch
        {
            Database.Dispose();
            throw;
        }

        Store = new RocksDbConversationStore(Database);
        Ledger = new RocksDbDeliveryLedger(Database);
        Handsets = new RocksDbHandsetInbox(Database);
        Webhooks = new RocksDbWebhookStore(Database);
    }

    public EmbeddedDatabase Database { get; }

    public EmbeddedLog? Log { get; }

    public RocksDbConversationStore Store { get; }

    public RocksDbDeliveryLedger Ledger { get; }

    public RocksDbHandsetInbox Handsets { get; }

    public RocksDbWebhookStore Webhooks { get; }

    public async ValueTask DisposeAsync()
    {
        if (Log is not null)
        {
            await Log.DisposeAsync();
        }

        Database.Dispose();
    }
}
