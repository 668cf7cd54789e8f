using System.Collections.Concurrent;
using MessagingGateway.Core.Log;
using RocksDbSharp;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// The partitioned log on RocksDB. Appends from all callers queue up and a single writer turns
/// everything waiting into one synced write batch (group commit), so the cost of an fsync is
/// shared by every message that arrived while the previous one ran. Offsets are assigned by that
/// writer and published to consumers only after the write is durable.
/// </summary>
public sealed class EmbeddedLog : IMessageLog
{
    private readonly EmbeddedDatabase _database;
    private readonly EmbeddedLogOptions _options;
    private readonly ColumnFamilyHandle _records;
    private readonly ColumnFamilyHandle _meta;
    // Fair group commit: appends of a few records (single sends, receipts) go into the next group
    // ahead of large batches, so a single send rides the next fsync instead of queueing behind them.
    private const int FewRecords = 8;

    private readonly ConcurrentQueue<PendingAppend> _few = new();
    private readonly ConcurrentQueue<PendingAppend> _many = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly Lock _closeLock = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;
    private byte[] _scratch = new byte[4096]; // the writer thread's: each record is copied through it into the batch
    private readonly long[] _nextOffset;     // writer-owned
    private readonly long[] _published;      // durable high watermarks, read by consumers
    private readonly Task _writer;
    private readonly Timer _retention;
    private readonly Lock _retentionLock = new();
    private TaskCompletionSource _appended = NewSignal();
    private int _disposed;

    public EmbeddedLog(EmbeddedDatabase database, EmbeddedLogOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PartitionCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PartitionCount, ushort.MaxValue);
        _database = database;
        _options = options;
        _records = database.Family(EmbeddedDatabase.LogFamily);
        _meta = database.Family(EmbeddedDatabase.LogMetaFamily);
        CheckPartitionCount();

        _nextOffset = new long[options.PartitionCount];
        _published = new long[options.PartitionCount];
        for (var p = 0; p < options.PartitionCount; p++)
        {
            _nextOffset[p] = ReadMeta(LogKeys.HighWatermark(p)) ?? 0;
            _published[p] = _nextOffset[p];
        }

        // Its own thread: the fsync blocks it, and must not block a thread that serves requests.
        _writer = _writerDone.Task;
        new Thread(WriteLoop) { IsBackground = true, Name = "embedded-log-writer" }.Start();
        _retention = new Timer(_ => Trim(), null, options.RetentionInterval, options.RetentionInterval);
    }

    public int PartitionCount => _options.PartitionCount;

    /// <summary>
    /// Told how many records each group commit made readable, on the writer thread (keep it
    /// cheap): every record, whoever appended it, is work for this process's dispatcher.
    /// </summary>
    public Action<int>? Published { get; set; }

    public async ValueTask<LogPosition> AppendAsync(LogRecord record, CancellationToken cancellationToken = default)
    {
        var positions = new LogPosition[1];
        await AppendManyAsync(new[] { record }, positions, cancellationToken);
        return positions[0];
    }

    public ValueTask AppendManyAsync(ReadOnlyMemory<LogRecord> records, Memory<LogPosition> positions, CancellationToken cancellationToken = default)
    {
        if (positions.Length < records.Length)
        {
            throw new ArgumentException("One position slot is needed per record.", nameof(positions));
        }

        if (records.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var append = new PendingAppend(records, positions);
        lock (_closeLock)
        {
            if (_closed)
            {
                return ValueTask.FromException(new LogUnavailableException("The log is shutting down."));
            }

            (records.Length <= FewRecords ? _few : _many).Enqueue(append);
        }

        _work.Release();

        // Cancellation stops the wait, not the write: once queued a record is appended.
        return new ValueTask(append.Completion.Task.WaitAsync(cancellationToken));
    }

    public ILogConsumer CreateConsumer(string group, IPartitionAssignment? assignment = null)
    {
        var consumer = new EmbeddedLogConsumer(this, group);
        // One process, one member: every partition is this consumer's, and never moves.
        var all = new int[PartitionCount];
        for (var p = 0; p < all.Length; p++)
        {
            all[p] = p;
        }

        assignment?.Assigned(all);
        return consumer;
    }

    /// <summary>At most this many records go into one consumer batch.</summary>
    internal int MaxConsumeBatch => _options.MaxConsumeBatch;

    /// <summary>True once disposal started: consumers stop instead of waiting for appends that cannot come.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The durable end of a partition: consumers read below it.</summary>
    internal long PublishedEnd(int partition) => Volatile.Read(ref _published[partition]);

    /// <summary>A task that completes at the next durable append (take it before checking for data).</summary>
    internal Task NextAppendSignal => Volatile.Read(ref _appended).Task;

    internal List<LogEntry> Read(int partition, long fromOffset, long endOffset, int max)
    {
        var entries = new List<LogEntry>(Math.Min(max, (int)Math.Min(int.MaxValue, endOffset - fromOffset)));
        using var iterator = _database.Db.NewIterator(_records);
        iterator.Seek(LogKeys.Record(partition, fromOffset));
        while (iterator.Valid() && entries.Count < max)
        {
            var (p, offset) = LogKeys.ParseRecord(iterator.GetKeySpan());
            if (p != partition || offset >= endOffset)
            {
                break;
            }

            entries.Add(LogRecordCodec.Decode(new LogPosition(partition, offset), iterator.Value()));
            iterator.Next();
        }

        return entries;
    }

    internal long? ReadMeta(byte[] key)
    {
        var value = _database.Db.Get(key, _meta);
        return value is null ? null : LogKeys.ReadLong(value);
    }

    internal void WriteMeta(byte[] key, long value) =>
        _database.Db.Put(key, LogKeys.Long(value), _meta, _database.BufferedWrite);

    /// <summary>Deletes records that every consumer group has committed past.</summary>
    public void Trim()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        lock (_retentionLock)
        {
            var lowest = new long?[PartitionCount];
            using (var iterator = _database.Db.NewIterator(_meta))
            {
                for (iterator.Seek(LogKeys.PositionPrefix); iterator.Valid(); iterator.Next())
                {
                    var key = iterator.GetKeySpan();
                    if (!key.StartsWith(LogKeys.PositionPrefix))
                    {
                        break;
                    }

                    var partition = LogKeys.PartitionOfPosition(key);
                    if (partition < PartitionCount)
                    {
                        var committed = LogKeys.ReadLong(iterator.GetValueSpan());
                        lowest[partition] = Math.Min(lowest[partition] ?? long.MaxValue, committed);
                    }
                }
            }

            using var batch = new WriteBatch();
            for (var p = 0; p < PartitionCount; p++)
            {
                var low = ReadMeta(LogKeys.LowWatermark(p)) ?? 0;
                if (lowest[p] is { } upTo && upTo > low)
                {
                    var start = LogKeys.Record(p, low);
                    var end = LogKeys.Record(p, upTo);
                    batch.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length, _records);
                    batch.Put(LogKeys.LowWatermark(p), LogKeys.Long(upTo), _meta);
                }
            }

            if (batch.Count() > 0)
            {
                _database.Db.Write(batch, _database.BufferedWrite);
            }
        }
    }

    /// <summary>The lowest offset still kept in a partition.</summary>
    public long LowWatermark(int partition) => ReadMeta(LogKeys.LowWatermark(partition)) ?? 0;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _retention.DisposeAsync();
        lock (_closeLock)
        {
            _closed = true;
        }

        _work.Release();
        await _writer; // flushes everything already queued
        lock (_retentionLock)
        {
            // Waits out a trim in progress before the database closes.
        }

        _appended.TrySetResult();
    }

    private void CheckPartitionCount()
    {
        var stored = ReadMeta(LogKeys.PartitionCount);
        if (stored is null)
        {
            _database.Db.Put(LogKeys.PartitionCount, LogKeys.Long(_options.PartitionCount), _meta, _database.SyncedWrite);
        }
        else if (stored.Value != _options.PartitionCount)
        {
            throw new InvalidOperationException(
                $"The log in {_database.Path} has {stored.Value} partitions; it cannot be opened with {_options.PartitionCount}, " +
                "because the partition count decides which partition holds each conversation.");
        }
    }

    private void WriteLoop()
    {
        try
        {
            var group = new List<PendingAppend>();
            var touched = new bool[PartitionCount];
            while (true)
            {
                _work.Wait();
                if (_few.IsEmpty && _many.IsEmpty)
                {
                    if (Volatile.Read(ref _closed))
                    {
                        break;
                    }

                    continue; // a wake for appends an earlier group already took
                }

                WriteGroup(group, touched);
            }

            _writerDone.TrySetResult();
        }
        catch (Exception ex)
        {
            _writerDone.TrySetException(ex);
        }
    }

    private void WriteGroup(List<PendingAppend> group, bool[] touched)
    {
        group.Clear();
        Array.Clear(touched);
        var recordCount = 0;
        var appendedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var batch = new WriteBatch();
        Span<byte> key = stackalloc byte[LogKeys.RecordKeyLength];
        while (recordCount < _options.MaxGroupCommitRecords && (_few.TryDequeue(out var append) || _many.TryDequeue(out append)))
        {
            group.Add(append);
            var records = append.Records.Span;
            var positions = append.Positions.Span;
            for (var i = 0; i < records.Length; i++)
            {
                var partition = KafkaPartitioner.PartitionFor(records[i].Key.Span, PartitionCount);
                var offset = _nextOffset[partition]++;
                touched[partition] = true;
                positions[i] = new LogPosition(partition, offset);
                LogKeys.WriteRecord(key, partition, offset);
                LogRecordCodec.Put(batch, key, records[i], appendedAtMs, ref _scratch, _records);
            }

            recordCount += records.Length;
        }

        if (recordCount == 0 && group.Count == 0)
        {
            return;
        }

        for (var p = 0; p < touched.Length; p++)
        {
            if (touched[p])
            {
                batch.Put(LogKeys.HighWatermark(p), LogKeys.Long(_nextOffset[p]), _meta);
            }
        }

        try
        {
            _database.Db.Write(batch, _database.SyncedWrite);
        }
        catch (RocksDbException ex)
        {
            // Nothing of this group is durable: roll the offsets back and fail every caller.
            foreach (var append in group)
            {
                foreach (var position in append.Positions.Span[..append.Records.Length])
                {
                    _nextOffset[position.Partition] = Math.Min(_nextOffset[position.Partition], position.Offset);
                }

                append.Completion.TrySetException(new LogUnavailableException("The log could not write to disk.", ex));
            }

            return;
        }

        if (Published is { } published)
        {
            var count = 0;
            foreach (var append in group)
            {
                count += append.Records.Length;
            }

            published(count); // before a consumer can take them, so the count never runs behind
        }

        for (var p = 0; p < touched.Length; p++)
        {
            if (touched[p])
            {
                Volatile.Write(ref _published[p], _nextOffset[p]);
            }
        }

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
        foreach (var append in group)
        {
            append.Completion.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class PendingAppend(ReadOnlyMemory<LogRecord> records, Memory<LogPosition> positions)
    {
        public ReadOnlyMemory<LogRecord> Records { get; } = records;

        public Memory<LogPosition> Positions { get; } = positions;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
