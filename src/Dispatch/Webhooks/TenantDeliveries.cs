using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// One tenant's outbox in memory: per conversation, entries in stream order; only the head of a
/// conversation is ever in flight, so a conversation's events arrive in order while its other
/// conversations (up to a limit) go in parallel. Each tenant has its own loop, so a slow or dead
/// endpoint only ever delays its own tenant. Conversations whose head waits are kept by when it
/// is due, so a wake costs the heads it starts, not a scan of every conversation waiting out an
/// endpoint's outage.
/// </summary>
internal sealed class TenantDeliveries : IDisposable
{
    private readonly Dictionary<string, SortedDictionary<long, OutboxEntry>> _conversations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);

    // Every conversation with entries and none in flight has an item here due no later than its
    // head; an item may be stale (conversation gone, in flight, head later), and is checked when taken.
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Func<OutboxEntry, CancellationToken, Task<DeliveryAttempt>> _deliver;
    private readonly TimeProvider _time;
    private readonly int _maxConcurrent;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _lastSuccessAt;
    private int _pending;
    private int _running;
    private TaskCompletionSource? _drained;
    private readonly Task _loop;

    /// <param name="deliver">Makes one attempt at an entry and stores its outcome.</param>
    public TenantDeliveries(Func<OutboxEntry, CancellationToken, Task<DeliveryAttempt>> deliver, TimeProvider time, int maxConcurrent, CancellationToken stopping)
    {
        _deliver = deliver;
        _time = time;
        _maxConcurrent = maxConcurrent;
        _loop = Task.Run(() => RunAsync(stopping), CancellationToken.None);
    }

    public DeliveryStatus Status
    {
        get
        {
            lock (_lock)
            {
                return new DeliveryStatus(_pending, _lastError, _lastErrorAt, _lastSuccessAt);
            }
        }
    }

    public void Dispose() => _wake.Dispose();

    /// <summary>Completes once the loop and every attempt in flight have ended (after stopping).</summary>
    public async Task DrainAsync()
    {
        await _loop;
        Task drained;
        lock (_lock)
        {
            if (_running == 0)
            {
                return;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        await drained;
    }

    public void Add(OutboxEntry entry)
    {
        lock (_lock)
        {
            if (!_conversations.TryGetValue(entry.ConversationId, out var queue))
            {
                queue = [];
                _conversations.Add(entry.ConversationId, queue);
            }

            if (queue.TryAdd(entry.EventSeq, entry))
            {
                _pending++;
                if (queue.Count == 1 || (queue.Keys.First() == entry.EventSeq && !_inFlight.Contains(entry.ConversationId)))
                {
                    // A new head (a first entry, or a redelivered dead letter before the rest).
                    _due.Enqueue(entry.ConversationId, entry.NextAttemptAt);
                }
            }
        }

        _wake.Release();
    }

    /// <summary>
    /// Drops the entries of a partition given to another node, which delivers them from the store.
    /// An attempt under way ends, and its outcome is stored; it is not retried here.
    /// </summary>
    public void Forget(int partition)
    {
        lock (_lock)
        {
            List<string>? gone = null;
            foreach (var (conversation, queue) in _conversations)
            {
                // A conversation lives in one partition: its head tells for all its entries.
                if (queue.First().Value.Partition == partition)
                {
                    (gone ??= []).Add(conversation);
                }
            }

            foreach (var conversation in gone ?? [])
            {
                _pending -= _conversations[conversation].Count;
                _conversations.Remove(conversation);
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var wait = StartDue(stopping);
                await _wake.WaitAsync(wait, stopping);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>Starts every due head it may; returns how long until the next one is due.</summary>
    private TimeSpan StartDue(CancellationToken stopping)
    {
        var now = _time.GetUtcNow();
        var wait = TimeSpan.FromSeconds(1);
        lock (_lock)
        {
            while (_inFlight.Count < _maxConcurrent && _due.TryPeek(out var conversation, out var dueAt))
            {
                if (dueAt > now)
                {
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, (dueAt - now).Ticks));
                    break;
                }

                _due.Dequeue();
                if (_inFlight.Contains(conversation) || !_conversations.TryGetValue(conversation, out var queue))
                {
                    continue; // stale: its completion queues it again, or it has nothing left
                }

                var head = queue.First().Value;
                if (head.NextAttemptAt > now)
                {
                    _due.Enqueue(conversation, head.NextAttemptAt);
                    continue;
                }

                _inFlight.Add(conversation);
                _running++;
                _ = Task.Run(() => DeliverHeadAsync(conversation, head, stopping), CancellationToken.None);
            }
        }

        return wait;
    }

    private async Task DeliverHeadAsync(string conversation, OutboxEntry head, CancellationToken stopping)
    {
        try
        {
            await AttemptHeadAsync(conversation, head, stopping);
        }
        finally
        {
            lock (_lock)
            {
                if (--_running == 0)
                {
                    _drained?.TrySetResult();
                    _drained = null;
                }
            }
        }
    }

    private async Task AttemptHeadAsync(string conversation, OutboxEntry head, CancellationToken stopping)
    {
        DeliveryAttempt attempt;
        try
        {
            attempt = await _deliver(head, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        lock (_lock)
        {
            _inFlight.Remove(conversation);
            if (!_conversations.TryGetValue(conversation, out var queue))
            {
                return; // its partition went to another node meanwhile
            }

            if (attempt.Error is not null)
            {
                _lastError = attempt.Error;
                _lastErrorAt = _time.GetUtcNow();
            }
            else
            {
                _lastSuccessAt = _time.GetUtcNow();
            }

            if (attempt.Retry is { } retry)
            {
                queue[head.EventSeq] = retry;
            }
            else
            {
                // Delivered or dead-lettered: the next event of the conversation may go.
                queue.Remove(head.EventSeq);
                _pending--;
            }

            if (queue.Count == 0)
            {
                _conversations.Remove(conversation);
            }
            else
            {
                _due.Enqueue(conversation, queue.First().Value.NextAttemptAt);
            }
        }

        _wake.Release();
    }
}
