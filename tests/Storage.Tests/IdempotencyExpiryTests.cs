using MessagingGateway.Core.Store;
using MessagingGateway.Storage.RocksDb;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

/// <summary>The idempotency contract on RocksDB, plus what its age index does: the sweep counts the index entries it went through.</summary>
public sealed class IdempotencyExpiryTests : IdempotencyContract, IDisposable
{
    private readonly EmbeddedTestDatabase _embedded = new();

    public void Dispose() => _embedded.Dispose();

    protected override IConversationStore CreateStore(TimeSpan retention) => new RocksDbConversationStore(_embedded.Database, retention, Clock);

    protected override Task<int> RemoveExpiredAsync(IConversationStore store, int limit = 10_000) =>
        Task.FromResult(((RocksDbConversationStore)store).RemoveExpiredIdempotency(limit));

    [Fact]
    public async Task The_sweep_counts_the_index_entries_of_deleted_and_renewed_records_too()
    {
        await Store.ClaimIdempotencyAsync(Record("old", hash: 1, T0));
        await Store.ClaimIdempotencyAsync(Record("freed", hash: 2, T0));
        await Store.DeleteIdempotencyAsync("t", "freed");
        await Store.ClaimIdempotencyAsync(Record("renewed", hash: 3, T0));
        Clock.Now = T0.AddHours(25);
        Assert.Null(await Store.ClaimIdempotencyAsync(Record("renewed", hash: 4, Clock.Now)));

        Assert.Equal(3, await RemoveExpiredAsync(Store)); // old, freed's index entry, renewed's old index entry
        Assert.Equal([4], (await Store.GetIdempotencyAsync("t", "renewed"))!.RequestHash);
    }

    [Fact]
    public async Task Expiry_and_the_index_survive_a_reopen()
    {
        await Store.ClaimIdempotencyAsync(Record("k", hash: 1, T0));

        var reopened = _embedded.Reopen();
        var store = new RocksDbConversationStore(reopened, Retention, new ManualClock(T0.AddHours(30)));
        Assert.Null(await store.GetIdempotencyAsync("t", "k"));
        Assert.Equal(1, store.RemoveExpiredIdempotency());
        Assert.Null(await new RocksDbConversationStore(reopened, TimeSpan.FromDays(3650)).GetIdempotencyAsync("t", "k"));
    }
}
