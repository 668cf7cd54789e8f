namespace MessagingGateway.Driver;

/// <summary>Runs numbered iterations on a fixed number of workers until the count or the deadline is reached.</summary>
internal static class WorkerPool
{
    public static async Task RunAsync(int count, int concurrency, TimeSpan duration, Func<int, CancellationToken, Task> iteration, CancellationToken cancellation)
    {
        var next = -1;
        var deadline = DateTimeOffset.UtcNow + duration;
        var workers = Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(async () =>
        {
            while (!cancellation.IsCancellationRequested && DateTimeOffset.UtcNow < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count)
                {
                    return;
                }

                await iteration(i, cancellation);
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
    }
}
