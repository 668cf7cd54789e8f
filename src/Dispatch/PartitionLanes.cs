using System.Text;
using MessagingGateway.Core.Log;

namespace MessagingGateway.Dispatch;

/// <summary>
/// The records of one partition, split into one lane per conversation. Lanes run independently
/// (a conversation waiting on a failing channel holds up no other), each strictly in log order.
/// The committable offset of each stream only passes a record once it and every record before it
/// in that stream are finished.
/// </summary>
internal sealed class PartitionLanes(int partition, Func<LogEntry, CancellationToken, Task> process, CancellationToken stopping) : IDisposable
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

    public void Add(LogEntry entry)
    {
        var conversation = Encoding.UTF8.GetString(entry.Key.Span);
        var slot = new Slot(entry.Position.Stream, entry.Position.Offset);
        lock (_lock)
        {
            _slots[(int)slot.Stream].Enqueue(slot);
            if (_lanes.TryGetValue(conversation, out var lane))
            {
                lane.Enqueue((entry, slot));
                return;
            }

            lane = new Queue<(LogEntry, Slot)>();
            lane.Enqueue((entry, slot));
            _lanes.Add(conversation, lane);
            _runningLanes++;
            _ = Task.Run(() => RunLaneAsync(conversation, lane), CancellationToken.None);
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

    private async Task RunLaneAsync(string conversation, Queue<(LogEntry Entry, Slot Slot)> lane)
    {
        try
        {
            await ProcessLaneAsync(conversation, lane);
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

    private async Task ProcessLaneAsync(string conversation, Queue<(LogEntry Entry, Slot Slot)> lane)
    {
        while (true)
        {
            (LogEntry Entry, Slot Slot) next;
            lock (_lock)
            {
                if (_abandon.IsCancellationRequested || !lane.TryDequeue(out next))
                {
                    _lanes.Remove(conversation);
                    return;
                }
            }

            try
            {
                await process(next.Entry, _abandon.Token);
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                return; // not finished: the record stays uncommitted and is replayed at the next start
            }

            lock (_lock)
            {
                next.Slot.Done = true;
                var stream = (int)next.Slot.Stream;
                while (_slots[stream].TryPeek(out var head) && head.Done)
                {
                    _committable[stream] = _slots[stream].Dequeue().Offset + 1;
                }

                if (_room is not null && _slots[0].Count + _slots[1].Count < _roomBelow)
                {
                    _room.TrySetResult();
                    _room = null;
                }
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
