namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>Races: calls started on one signal, as close to the same moment as the thread pool allows.</summary>
internal static class AllAtOnce
{
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }
}
