using MessagingGateway.Core.Store;

namespace MessagingGateway.Dispatch;

/// <summary>
/// The unit of work of one consumer batch: the conversations read together (its members) hand it
/// what their records decided, and it is written as one store write each time every member is
/// waiting for it (before their sends leave, and once at the end), instead of one write per record.
/// A member that has to wait for something else (a channel's answer, a retry) leaves first, so it
/// never holds up the others; a failed write fails every member waiting for it, and each then
/// processes its records again on its own (processing is safe to replay).
/// </summary>
/// <remarks>
/// Members run on the thread that started the batch and resume on the one that writes, one after
/// another: no trip through the thread pool's queue per conversation.
/// </remarks>
internal sealed class DispatchBatch(Func<IReadOnlyList<DispatchWrites>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
{
    private readonly Lock _lock = new();
    private readonly List<(DispatchUnit Unit, DispatchWrites Writes)> _pending = [];
    private int _members;
    private int _waiting;
    private TaskCompletionSource _written = new();
    private Exception? _failure;

    /// <summary>Counts one more member; every member joins before any of them starts.</summary>
    public void Join()
    {
        lock (_lock)
        {
            _members++;
        }
    }

    /// <summary>Hands over what a record decided; it is written at the next write.</summary>
    public void Add(DispatchUnit unit, DispatchWrites writes)
    {
        if (writes.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            _pending.Add((unit, writes));
        }
    }

    /// <summary>Takes back what <paramref name="unit"/> handed over and is not written yet (its records are processed again).</summary>
    public void Withdraw(DispatchUnit unit)
    {
        lock (_lock)
        {
            _pending.RemoveAll(pending => ReferenceEquals(pending.Unit, unit));
        }
    }

    /// <summary>Completes once everything handed over so far is written; the last member to arrive writes it.</summary>
    public Task ArriveAsync()
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return Task.FromException(_failure);
            }

            _waiting++;
            if (_waiting < _members)
            {
                return _written.Task;
            }
        }

        return WriteAsync();
    }

    /// <summary>Stops counting a member; if every other one is waiting, writes for them.</summary>
    public Task LeaveAsync()
    {
        lock (_lock)
        {
            _members--;
            if (_failure is not null || _members == 0 || _waiting < _members)
            {
                return Task.CompletedTask;
            }
        }

        return WriteAsync();
    }

    private async Task WriteAsync()
    {
        // Every member is waiting: nobody adds, withdraws or arrives until this write completes.
        List<DispatchWrites> units;
        TaskCompletionSource written;
        lock (_lock)
        {
            units = new List<DispatchWrites>(_pending.Count);
            foreach (var (_, writes) in _pending)
            {
                units.Add(writes);
            }

            _pending.Clear();
            _waiting = 0;
            written = _written;
            _written = new TaskCompletionSource();
        }

        try
        {
            if (units.Count > 0)
            {
                await write(units, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _failure = ex;
            }

            written.SetException(ex);
            throw;
        }

        written.SetResult(); // the waiting members go on, here, one after another
    }
}
