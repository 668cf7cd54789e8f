using MessagingGateway.Core.Log;

namespace MessagingGateway.Storage.RocksDb;

/// <summary>
/// A consumer of the embedded log. In one process a group has one member, so every partition is
/// assigned to it; it starts each partition at the group's committed position.
/// </summary>
internal sealed class EmbeddedLogConsumer : ILogConsumer
{
    private readonly EmbeddedLog _log;
    private readonly string _group;
    private readonly long[] _readPosition;
    private int _nextPartition;

    public EmbeddedLogConsumer(EmbeddedLog log, string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        _log = log;
        _group = group;
        _readPosition = new long[log.PartitionCount];
        for (var p = 0; p < _readPosition.Length; p++)
        {
            var committed = log.ReadMeta(LogKeys.Position(group, p));
            if (committed is null)
            {
                // A new group starts at the oldest record kept, and holds it from retention from now on.
                committed = log.LowWatermark(p);
                log.WriteMeta(LogKeys.Position(group, p), committed.Value);
            }

            _readPosition[p] = committed.Value;
        }
    }

    public bool IsCaughtUp
    {
        get
        {
            for (var p = 0; p < _readPosition.Length; p++)
            {
                if (Volatile.Read(ref _readPosition[p]) < _log.PublishedEnd(p))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public async ValueTask<LogBatch> ConsumeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // After disposal the append signal stays completed, so without these checks the loop
            // would spin forever, ignore cancellation, and could read a closed database.
            cancellationToken.ThrowIfCancellationRequested();
            if (_log.IsDisposed)
            {
                throw new LogUnavailableException("The log is shut down.");
            }

            var signal = _log.NextAppendSignal;
            var count = _readPosition.Length;
            for (var i = 0; i < count; i++)
            {
                // Round-robin so a busy partition does not starve the others.
                var partition = (_nextPartition + i) % count;
                var end = _log.PublishedEnd(partition);
                var from = _readPosition[partition];
                if (from >= end)
                {
                    continue;
                }

                var entries = _log.Read(partition, from, end, _log.MaxConsumeBatch);
                _nextPartition = (partition + 1) % count;
                if (entries.Count == 0)
                {
                    // Everything in range was trimmed (committed by every group): skip ahead.
                    Volatile.Write(ref _readPosition[partition], end);
                    continue;
                }

                Volatile.Write(ref _readPosition[partition], entries[^1].Position.Offset + 1);
                return new LogBatch(partition, entries);
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    public ValueTask CommitAsync(int partition, long nextOffset, LogStream stream = LogStream.Outbound, CancellationToken cancellationToken = default)
    {
        // Buffered: a lost commit only replays records, which processing dedupes.
        _log.WriteMeta(LogKeys.Position(_group, partition), nextOffset);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
