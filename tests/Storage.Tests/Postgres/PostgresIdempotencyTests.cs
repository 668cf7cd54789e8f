using MessagingGateway.Core.Store;
using MessagingGateway.Storage.Postgres;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests.Postgres;

/// <summary>The idempotency contract on PostgreSQL, plus its sweep's count: the records it deleted.</summary>
public sealed class PostgresIdempotencyTests(PostgresDatabase database) : IdempotencyContract, IClassFixture<PostgresDatabase>
{
    public override Task InitializeAsync() => database.ResetAsync();

    protected override IConversationStore CreateStore(TimeSpan retention) => new PostgresConversationStore(database.DataSource, retention, Clock);

    protected override Task<int> RemoveExpiredAsync(IConversationStore store, int limit = 10_000) =>
        ((PostgresConversationStore)store).RemoveExpiredIdempotencyAsync(limit);

    [Fact]
    public async Task The_sweep_counts_the_records_it_deleted()
    {
        await Store.ClaimIdempotencyAsync(Record("old", hash: 1, T0));
        await Store.ClaimIdempotencyAsync(Record("freed", hash: 2, T0));
        await Store.DeleteIdempotencyAsync("t", "freed");
        await Store.ClaimIdempotencyAsync(Record("renewed", hash: 3, T0));
        Clock.Now = T0.AddHours(25);
        Assert.Null(await Store.ClaimIdempotencyAsync(Record("renewed", hash: 4, Clock.Now)));

        Assert.Equal(1, await RemoveExpiredAsync(Store)); // old: freed is gone already, renewed is young again
        Assert.Equal([4], (await Store.GetIdempotencyAsync("t", "renewed"))!.RequestHash);
    }

    [Fact]
    public async Task A_sweep_limit_below_one_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ((PostgresConversationStore)Store).RemoveExpiredIdempotencyAsync(0));
    }
}
