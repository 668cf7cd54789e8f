using System.Collections.Concurrent;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Dispatch's own threads: a fixed set of workers, each a thread with its own queue. A
/// conversation's lane always runs on the worker its id hashes to, and everything it awaits
/// resumes there, so dispatch no longer waits in the thread pool's queue behind the requests
/// Kestrel is accepting on the same cores (and they no longer wait behind it).
/// </summary>
internal sealed class DispatchWorkers : IDisposable
{
    private readonly Worker[] _workers;

    /// <param name="count">Worker threads; 0 leaves lanes on the thread pool.</param>
    public DispatchWorkers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _workers = new Worker[count];
        for (var i = 0; i < count; i++)
        {
            _workers[i] = new Worker(i);
        }
    }

    /// <summary>Where the lane of <paramref name="conversation"/> runs.</summary>
    public TaskScheduler For(string conversation) =>
        _workers.Length == 0 ? TaskScheduler.Default : _workers[(int)((uint)StringComparer.Ordinal.GetHashCode(conversation) % (uint)_workers.Length)];

    /// <summary>Starts <paramref name="lane"/> on the worker of <paramref name="conversation"/>.</summary>
    public Task Run(string conversation, Func<Task> lane) =>
        Task.Factory.StartNew(lane, CancellationToken.None, TaskCreationOptions.DenyChildAttach, For(conversation)).Unwrap();

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }
    }

    /// <summary>One thread running the tasks queued to it, in order.</summary>
    private sealed class Worker : TaskScheduler, IDisposable
    {
        private readonly BlockingCollection<Task> _queue = [];
        private readonly Thread _thread;

        public Worker(int index)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "dispatch-" + index };
            _thread.Start();
        }

        public override int MaximumConcurrencyLevel => 1;

        public void Dispose() => _queue.CompleteAdding(); // the thread ends once the queue is empty

        protected override void QueueTask(Task task) => _queue.Add(task);

        // Inline only on this worker's own thread: elsewhere the task would run outside its worker.
        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            Thread.CurrentThread == _thread && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

        private void Run()
        {
            foreach (var task in _queue.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
            }
        }
    }
}
