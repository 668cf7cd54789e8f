namespace MessagingGateway.Dispatch;

/// <summary>
/// Records in this process's log that its dispatcher has not taken yet: accepted messages, and
/// the receipts, replies and payment updates that follow them (counted as the embedded log
/// publishes them), so intake cannot outrun the receipts of what it accepted. When the gateway
/// and its only dispatcher share one process (the embedded log), accepting runs far cheaper than
/// dispatching, and on the same cores: without a bound, intake takes the CPU, dispatch falls
/// behind and the backlog (and every message's time to the handset) grows without end. Intake
/// waits for room instead (nothing is acknowledged any earlier than before: the wait comes
/// before the append). The wait is bounded by <paramref name="maxWait"/>: a backlog that does not
/// shrink (a provider down, its conversations retrying) slows intake but never stops it. A single
/// message is what someone is waiting for, while a batch is bulk that can yield to it: a single
/// goes on at once until the backlog is twice the limit (a load of batches holds it near the
/// limit, so there a single does not wait at all), and then waits at most
/// <paramref name="maxSingleWait"/>. A record counts as dispatched when dispatch
/// starts on it. Not used where other processes dispatch (Kafka), whose progress this process
/// cannot see.
/// </summary>
public sealed class DispatchBacklog(int limit, TimeSpan maxWait, TimeSpan maxSingleWait)
{
    private readonly Lock _lock = new();
    private long _accepted;
    private long _dispatched;
    private TaskCompletionSource? _room;

    public int Limit => limit;

    /// <summary>How many records wait for dispatch (negative after a restart that replays older ones).</summary>
    public long Behind => Interlocked.Read(ref _accepted) - Interlocked.Read(ref _dispatched);

    /// <summary>Completes at once while the backlog is under the limit; otherwise when dispatch has caught up below it, or after the longest wait.</summary>
    /// <param name="messages">How many messages the caller brings: one waits at most the single send's time.</param>
    public ValueTask WaitForRoomAsync(int messages, CancellationToken cancellationToken)
    {
        var bound = messages == 1 ? 2L * limit : limit;
        if (Behind < bound)
        {
            return ValueTask.CompletedTask;
        }

        lock (_lock)
        {
            if (Behind < bound)
            {
                return ValueTask.CompletedTask;
            }

            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return WaitAsync(_room.Task, messages == 1 ? maxSingleWait : maxWait, cancellationToken);
        }
    }

    private static async ValueTask WaitAsync(Task room, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        try
        {
            await room.WaitAsync(maxWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Slowed down, not stopped.
        }
    }

    /// <summary>Records the log made readable (its <c>Published</c> callback).</summary>
    public void Accepted(int count) => Interlocked.Add(ref _accepted, count);

    public void Dispatched()
    {
        Interlocked.Increment(ref _dispatched);
        if (Volatile.Read(ref _room) is null || Behind >= limit)
        {
            return;
        }

        lock (_lock)
        {
            _room?.TrySetResult();
            _room = null;
        }
    }
}
