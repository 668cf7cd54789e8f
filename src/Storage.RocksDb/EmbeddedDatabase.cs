using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// The one RocksDB instance of the embedded mode: the log and the store live in column families
/// of the same database, so they share one write-ahead log and a synced log append also makes
/// every earlier store write durable.
/// </summary>
public sealed class EmbeddedDatabase : IDisposable
{
    internal const string LogFamily = "log";
    internal const string LogMetaFamily = "log_meta";
    internal const string MessagesFamily = "messages";
    internal const string StatusesFamily = "statuses";
    internal const string MessageSeqFamily = "message_seq";
    internal const string ConversationsFamily = "conversations";
    internal const string ConversationStatsFamily = "conversation_stats";
    internal const string TimelineFamily = "timeline";
    internal const string IdempotencyFamily = "idempotency";
    internal const string IdempotencyByAgeFamily = "idempotency_by_age";
    internal const string HandoffsFamily = "handoffs";
    internal const string OrphansFamily = "orphan_receipts";
    internal const string HandsetInboxFamily = "handset_inbox";
    internal const string HandsetIdsFamily = "handset_ids";
    internal const string HandsetPendingFamily = "handset_pending";
    internal const string SubscriptionsFamily = "webhook_subscriptions";
    internal const string EventsFamily = "events";
    internal const string EventIdsFamily = "event_ids";
    internal const string OutboxFamily = "outbox";
    internal const string DeadLettersFamily = "dead_letters";
    internal const string PaymentsFamily = "payments";
    internal const string PaymentsByConversationFamily = "payments_by_conversation";
    internal const string PaymentsByProviderFamily = "payments_by_provider";
    internal const string OpenPaymentsFamily = "payments_open";
    internal const string RefundsFamily = "refunds";
    internal const string UnsentRefundsFamily = "refunds_unsent";
    internal const string ProviderStateFamily = "sandbox_provider";
    internal const string ChannelAccountsFamily = "channel_accounts";
    internal const string ChannelAccountsBySenderFamily = "channel_accounts_by_sender";
    internal const string ProviderMessageIdsFamily = "provider_message_ids";
    internal const string QuarantineFamily = "quarantine";
    internal const string StoreMetaFamily = "store_meta";

    private static readonly string[] Families =
    [
        LogFamily, LogMetaFamily, MessagesFamily, StatusesFamily, MessageSeqFamily,
        ConversationsFamily, ConversationStatsFamily, TimelineFamily, IdempotencyFamily, IdempotencyByAgeFamily,
        HandoffsFamily, OrphansFamily, HandsetInboxFamily, HandsetIdsFamily, HandsetPendingFamily,
        SubscriptionsFamily, EventsFamily, EventIdsFamily, OutboxFamily, DeadLettersFamily,
        PaymentsFamily, PaymentsByConversationFamily, PaymentsByProviderFamily, OpenPaymentsFamily, RefundsFamily, UnsentRefundsFamily,
        ProviderStateFamily, ChannelAccountsFamily, ChannelAccountsBySenderFamily, ProviderMessageIdsFamily,
        QuarantineFamily, StoreMetaFamily,
    ];

    /// <summary>
    /// Memtables of all families together; when full, the largest is flushed. Without it each of
    /// the twenty families may hold 64 MiB in memory before its first flush.
    /// </summary>
    private const ulong MemtableBudget = 256UL << 20;

    private const ulong BlockCacheSize = 64UL << 20;

    /// <summary>How long a buffered write may wait for a group commit before it is written anyway.</summary>
    private static readonly TimeSpan WalFlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly bool _holdsLog;
    private readonly Timer? _walFlusher;
    private readonly Lock _closing = new();
    private bool _disposed;

    private EmbeddedDatabase(RocksDbSharp.RocksDb db, string path, bool holdsLog)
    {
        Db = db;
        Path = path;
        _holdsLog = holdsLog;
        SyncedWrite = new WriteOptions().SetSync(true);
        BufferedWrite = new WriteOptions().SetSync(false);

        // When the log is idle no group commit comes: webhook deliveries and the like still reach
        // the WAL file within this interval.
        _walFlusher = holdsLog ? new Timer(_ => FlushWalUnlessClosed(), null, WalFlushInterval, WalFlushInterval) : null;
    }

    public string Path { get; }

    internal RocksDbSharp.RocksDb Db { get; }

    /// <summary>fsync before returning: what acknowledges a message.</summary>
    internal WriteOptions SyncedWrite { get; }

    /// <summary>
    /// Without fsync. With the log in this database, into the WAL's buffer only: visible to reads
    /// at once, written and made durable by the next synced write or <see cref="FlushWal"/>, lost
    /// in a crash before that, so only for what a replay of the log rebuilds. Otherwise into the
    /// WAL file at once: survives a process crash.
    /// </summary>
    internal WriteOptions BufferedWrite { get; }

    /// <param name="directory">The data folder.</param>
    /// <param name="holdsLog">
    /// The embedded log lives in this database, so its synced appends carry every earlier store
    /// write to disk. Without it (Kafka holds the log) store writes go to the WAL file one by one.
    /// </param>
    public static EmbeddedDatabase Open(string directory, bool holdsLog = true)
    {
        var fullPath = System.IO.Path.GetFullPath(directory);
        Directory.CreateDirectory(fullPath);
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetKeepLogFileNum(4)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetDbWriteBufferSize(MemtableBudget);

        // Buffered writes stay in the WAL's in-memory buffer until the next synced write (the log's
        // group commit, many per second under load), the 200 ms flush timer or FlushWal: one write()
        // per group commit instead of one per store write. Only with the log here: without it no
        // synced write would follow.
        Native.Instance.rocksdb_options_set_manual_wal_flush(options.Handle, holdsLog ? (byte)1 : (byte)0);

        // One block cache for all families (by default each would get its own), and bloom filters:
        // most point reads on the hot path look for keys that are not there yet (event ids, hand-overs,
        // new conversations), and without a filter each such read visits every level on disk.
        var tables = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru(BlockCacheSize))
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true);
        var families = new ColumnFamilies();
        foreach (var name in Families)
        {
            families.Add(name, new ColumnFamilyOptions().SetBlockBasedTableFactory(tables));
        }

        try
        {
            return new EmbeddedDatabase(RocksDbSharp.RocksDb.Open(options, fullPath, families), fullPath, holdsLog);
        }
        catch (RocksDbException ex) when (ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The data folder {fullPath} is in use by another gateway process. Stop it, or pass another --data-dir.", ex);
        }
    }

    internal ColumnFamilyHandle Family(string name) => Db.GetColumnFamily(name);

    /// <summary>Writes the WAL's buffer to the file: what was written so far survives a process crash (not a power loss).</summary>
    internal void FlushWal()
    {
        if (_holdsLog)
        {
            Native.Instance.rocksdb_flush_wal(Db.Handle, 0);
        }
    }

    public void Dispose()
    {
        _walFlusher?.Dispose();
        lock (_closing)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Native.Instance.rocksdb_flush_wal(Db.Handle, 1);
            Db.Dispose();
        }
    }

    private void FlushWalUnlessClosed()
    {
        lock (_closing)
        {
            if (!_disposed)
            {
                Native.Instance.rocksdb_flush_wal(Db.Handle, 0);
            }
        }
    }
}
