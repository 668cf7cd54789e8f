using System.Runtime.InteropServices;
using System.Text;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Dispatch;

/// <summary>
/// The records of one partition, split into one lane per conversation. Lanes run independently
/// (a conversation waiting on a failing channel holds up no other), each strictly in log order.
/// The lanes a consumer batch starts write together, as one <see cref="DispatchBatch"/>. The
/// committable offset of each stream only passes a record once it and every record before it in
/// that stream are finished and written.
/// </summary>
internal sealed class PartitionLanes(
    int partition,
    Func<LogEntry, DispatchUnit, CancellationToken, Task> process,
    Func<IReadOnlyList<DispatchWrites>, CancellationToken, ValueTask> write,
    Action forget,
    TaskScheduler scheduler,
    CancellationToken stopping) : IDisposable
{
    // Stops this partition's lanes alone when the partition moves to another consumer.
    private readonly CancellationTokenSource _abandon = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    private readonly Dictionary<string, Queue<(LogEntry Entry, Slot Slot)>> _lanes = new(StringComparer.Ordinal);
    private readonly Queue<Slot>[] _slots = [new(), new()];       // per LogStream, in offset order
    private readonly Lock _lock = new();
    private readonly long[] _committable = [-1, -1];
    private readonly long[] _committed = [-1, -1];
    private int _runningLanes;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource? _room;
    private int _roomBelow;

    public int Partition => partition;

    /// <summary>Stops the lanes at the next record; unfinished records stay uncommitted for the next owner.</summary>
    public void Abandon()
    {
        _abandon.Cancel();
        lock (_lock)
        {
            _room?.TrySetResult(); // nobody waits for records that will not finish here
            _room = null;
        }
    }

    public void Dispose() => _abandon.Dispose();

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _slots[0].Count + _slots[1].Count;
            }
        }
    }

    /// <summary>Completes once fewer than <paramref name="limit"/> records are in flight: the reader's back-pressure, without polling.</summary>
    public Task WaitForRoomAsync(int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_slots[0].Count + _slots[1].Count < limit)
            {
                return Task.CompletedTask;
            }

            _roomBelow = limit;
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Queues a consumer batch's records. A conversation with a lane still running gets them at the
    /// end of it; the others start as the members of one <see cref="DispatchBatch"/>, on one pool
    /// thread, one after another until each waits for the batch's write. They run on the
    /// dispatcher's scheduler, and so does everything they await.
    /// </summary>
    public void Add(IReadOnlyList<LogEntry> entries)
    {
        List<(string Conversation, Queue<(LogEntry Entry, Slot Slot)> Lane)>? started = null;
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                var conversation = Encoding.UTF8.GetString(entry.Key.Span);
                var slot = new Slot(entry.Position.Stream, entry.Position.Offset);
                _slots[(int)slot.Stream].Enqueue(slot);
                if (_lanes.TryGetValue(conversation, out var lane))
                {
                    lane.Enqueue((entry, slot));
                    continue;
                }

                lane = new Queue<(LogEntry, Slot)>();
                lane.Enqueue((entry, slot));
                _lanes.Add(conversation, lane);
                (started ??= []).Add((conversation, lane));
            }

            _runningLanes += started?.Count ?? 0;
        }

        if (started is not null)
        {
            _ = Task.Factory.StartNew(() => StartBatch(started), CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler);
        }
    }

    private void StartBatch(List<(string Conversation, Queue<(LogEntry Entry, Slot Slot)> Lane)> lanes)
    {
        var batch = new DispatchBatch(write, _abandon.Token);
        foreach (var _ in lanes)
        {
            batch.Join(); // all of them before any starts, so none writes for fewer than all
        }

        foreach (var (conversation, lane) in lanes)
        {
            _ = RunLaneAsync(conversation, lane, batch);
        }
    }

    /// <summary>Completes when no lane is running any more (after stopping, before the store closes).</summary>
    public Task DrainAsync()
    {
        lock (_lock)
        {
            if (_runningLanes == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>The next offset of <paramref name="stream"/> to commit, if it moved since the last call.</summary>
    public bool TryTakeCommit(LogStream stream, out long nextOffset)
    {
        var index = (int)stream;
        lock (_lock)
        {
            nextOffset = _committable[index];
            if (_committable[index] > _committed[index])
            {
                _committed[index] = _committable[index];
                return true;
            }

            return false;
        }
    }

    private async Task RunLaneAsync(string conversation, Queue<(LogEntry Entry, Slot Slot)> lane, DispatchBatch batch)
    {
        try
        {
            await ProcessLaneAsync(conversation, lane, batch);
        }
        finally
        {
            lock (_lock)
            {
                if (--_runningLanes == 0)
                {
                    _drained?.TrySetResult();
                    _drained = null;
                }
            }
        }
    }

    private async Task ProcessLaneAsync(string conversation, Queue<(LogEntry Entry, Slot Slot)> lane, DispatchBatch batch)
    {
        var unit = new DispatchUnit(write, batch);
        var unwritten = new List<(LogEntry Entry, Slot Slot)>(); // finished as a member, not written yet
        var again = new Queue<(LogEntry Entry, Slot Slot)>();      // taken back from a failed batch: first
        unit.Written = () =>
        {
            Finish(CollectionsMarshal.AsSpan(unwritten));
            unwritten.Clear();
        };

        while (true)
        {
            (LogEntry Entry, Slot Slot) next;
            var leave = false;
            lock (_lock)
            {
                if (_abandon.IsCancellationRequested)
                {
                    _lanes.Remove(conversation);
                    break;
                }

                if (!again.TryDequeue(out next) && !lane.TryDequeue(out next))
                {
                    if (!unit.IsBatched)
                    {
                        _lanes.Remove(conversation);
                        return;
                    }

                    leave = true; // what it handed to the batch is written first; records queued meanwhile go on alone
                }
            }

            try
            {
                if (leave)
                {
                    await unit.LeaveBatchAsync();
                    continue;
                }

                await process(next.Entry, unit, _abandon.Token);
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                break; // not finished: the record stays uncommitted and is replayed at the next start
            }
            catch (Exception) when (unit.IsBatched)
            {
                // A failed record or a failed batch write: leave the batch and process again, on
                // their own, this lane's records that are not written (processing is safe to replay).
                await unit.AbandonBatchAsync();
                forget();
                foreach (var record in unwritten)
                {
                    again.Enqueue(record);
                }

                if (!leave)
                {
                    again.Enqueue(next);
                }

                unwritten.Clear();
                continue;
            }

            if (unit.IsBatched)
            {
                unwritten.Add(next);
            }
            else
            {
                Finish([next]);
            }
        }

        await unit.AbandonBatchAsync(); // abandoned: the others must not wait for this lane
    }

    /// <summary>Marks records finished and written; the committable offsets move past every leading finished one.</summary>
    private void Finish(ReadOnlySpan<(LogEntry Entry, Slot Slot)> records)
    {
        lock (_lock)
        {
            foreach (var (_, slot) in records)
            {
                slot.Done = true;
            }

            for (var stream = 0; stream < _slots.Length; stream++)
            {
                while (_slots[stream].TryPeek(out var head) && head.Done)
                {
                    _committable[stream] = _slots[stream].Dequeue().Offset + 1;
                }
            }

            if (_room is not null && _slots[0].Count + _slots[1].Count < _roomBelow)
            {
                _room.TrySetResult();
                _room = null;
            }
        }
    }

    private sealed class Slot(LogStream stream, long offset)
    {
        public LogStream Stream { get; } = stream;

        public long Offset { get; } = offset;

        public bool Done { get; set; }
    }
}
