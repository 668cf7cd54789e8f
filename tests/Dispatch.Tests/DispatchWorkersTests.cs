namespace MessagingGateway.Dispatch.Tests;

public sealed class DispatchWorkersTests
{
    [Fact]
    public async Task A_lane_runs_and_resumes_on_its_conversations_worker_thread_never_the_pool()
    {
        using var workers = new DispatchWorkers(2);
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<string, HashSet<string?>>();
        var lanes = Enumerable.Range(0, 64).Select(c => "cnv-" + c).Select(conversation => workers.Run(conversation, async () =>
        {
            var seen = threads.GetOrAdd(conversation, _ => []);
            for (var step = 0; step < 5; step++)
            {
                lock (seen)
                {
                    seen.Add(Thread.CurrentThread.Name);
                }

                await Task.Yield(); // and a real wait: resumes through the scheduler, not inline
                await Task.Delay(1);
            }
        })).ToArray();

        await Task.WhenAll(lanes).WaitAsync(TimeSpan.FromSeconds(10));

        foreach (var (conversation, seen) in threads)
        {
            var name = Assert.Single(seen);
            Assert.StartsWith("dispatch-", name);
            Assert.Same(workers.For(conversation), workers.For(conversation));
        }

        Assert.Equal(2, threads.Values.Select(seen => seen.Single()).Distinct().Count()); // 64 conversations: both workers used
    }

    [Fact]
    public async Task Without_workers_lanes_run_on_the_thread_pool()
    {
        using var workers = new DispatchWorkers(0);
        Assert.Same(TaskScheduler.Default, workers.For("cnv-1"));
        var onPool = false;
        await workers.Run("cnv-1", async () =>
        {
            await Task.Yield();
            onPool = Thread.CurrentThread.IsThreadPoolThread;
        });
        Assert.True(onPool);
    }
}
