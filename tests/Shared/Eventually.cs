namespace MessagingGateway.Tests.Shared;

/// <summary>Waits on a condition, never on a fixed sleep: polls until it holds, and fails the test with what was awaited after the timeout.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        HoldsAsync(condition, timeout, () => what);

    /// <summary>As above; <paramref name="what"/> is asked only on failure, so it can tell what was last seen.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(what);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"{what()} did not hold within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(Poll);
        }
    }
}
