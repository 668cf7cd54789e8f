namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>
/// The base of the port contract suites: each suite is an abstract class of tests over a port,
/// run once per adapter by a small subclass that provides the store. A PostgreSQL subclass empties
/// its class's database before each test; a RocksDB one opens a fresh database and closes it after.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs <paramref name="count"/> calls as close to the same moment as the pool allows: all wait for one signal.</summary>
    protected static Task<T[]> AllAtOnceAsync<T>(int count, Func<int, Task<T>> call) => AllAtOnce.RunAsync(count, call);
}
