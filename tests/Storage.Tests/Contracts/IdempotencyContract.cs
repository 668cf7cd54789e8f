using MessagingGateway.Core.Store;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>
/// Idempotency records live for the retention after their first request, then go: they read as
/// absent, a claim takes the key over, and the adapter's sweep deletes them oldest first.
/// </summary>
public abstract class IdempotencyContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    protected static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly Lazy<IConversationStore> _store;
    private readonly Lazy<IConversationStore> _rows;

    // Built on first use (a subclass's own fields are set by then), once even when tests race for it.
    protected IdempotencyContract()
    {
        _store = new(() => CreateStore(Retention));
        _rows = new(() => CreateStore(TimeSpan.FromDays(3650)));
    }

    protected ManualClock Clock { get; } = new(T0);

    /// <summary>The store under test: <see cref="Retention"/>, judged by <see cref="Clock"/>.</summary>
    protected IConversationStore Store => _store.Value;

    /// <summary>Same rows, a far longer retention: shows what is physically still there.</summary>
    protected IConversationStore Rows => _rows.Value;

    /// <summary>A store over the suite's rows with <paramref name="retention"/>, judged by <see cref="Clock"/>.</summary>
    protected abstract IConversationStore CreateStore(TimeSpan retention);

    /// <summary>The adapter's sweep of expired records (not on the port: Cassandra's TTL does it there).</summary>
    protected abstract Task<int> RemoveExpiredAsync(IConversationStore store, int limit = 10_000);

    [Fact]
    public async Task A_key_holds_for_the_whole_retention_and_can_be_claimed_afresh_after_it()
    {
        var first = Record("k", hash: 1, T0) with { StatusCode = 202, ResponseBody = [1] };
        Assert.Null(await Store.ClaimIdempotencyAsync(first));

        Clock.Now = T0 + Retention - TimeSpan.FromMilliseconds(1);
        Assert.Equal([1], (await Store.GetIdempotencyAsync("t", "k"))!.RequestHash);
        Assert.Equal([1], (await Store.ClaimIdempotencyAsync(Record("k", hash: 2, Clock.Now)))!.RequestHash);

        Clock.Now = T0 + Retention;
        Assert.Null(await Store.GetIdempotencyAsync("t", "k"));
        Assert.Null(await Store.ClaimIdempotencyAsync(Record("k", hash: 3, Clock.Now)));
        Assert.Equal([3], (await Store.GetIdempotencyAsync("t", "k"))!.RequestHash);
    }

    [Fact]
    public async Task The_sweep_deletes_expired_records_and_keeps_the_rest()
    {
        await Store.ClaimIdempotencyAsync(Record("old-1", hash: 1, T0));
        await Store.ClaimIdempotencyAsync(Record("old-2", hash: 2, T0.AddHours(1)));
        await Store.ClaimIdempotencyAsync(Record("young", hash: 3, T0.AddHours(3)));
        await Store.ClaimIdempotencyAsync(Record("freed", hash: 4, T0));
        await Store.DeleteIdempotencyAsync("t", "freed");

        Clock.Now = T0.AddHours(26);
        await RemoveExpiredAsync(Store);

        Assert.Null(await Rows.GetIdempotencyAsync("t", "old-1"));
        Assert.Null(await Rows.GetIdempotencyAsync("t", "old-2"));
        Assert.Equal([3], (await Rows.GetIdempotencyAsync("t", "young"))!.RequestHash);
        Assert.Equal([3], (await Store.GetIdempotencyAsync("t", "young"))!.RequestHash);
        Assert.Equal(0, await RemoveExpiredAsync(Store));

        Clock.Now = T0.AddHours(27);
        Assert.Equal(1, await RemoveExpiredAsync(Store));
        Assert.Null(await Rows.GetIdempotencyAsync("t", "young"));
    }

    [Fact]
    public async Task The_sweep_takes_at_most_its_limit_oldest_first()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.ClaimIdempotencyAsync(Record("k" + i, hash: (byte)i, T0.AddMinutes(i)));
        }

        Clock.Now = T0.AddDays(2);
        Assert.Equal(2, await RemoveExpiredAsync(Store, limit: 2));
        Assert.Null(await Rows.GetIdempotencyAsync("t", "k0"));
        Assert.Null(await Rows.GetIdempotencyAsync("t", "k1"));
        Assert.NotNull(await Rows.GetIdempotencyAsync("t", "k2"));
        Assert.Equal(2, await RemoveExpiredAsync(Store, limit: 2));
        Assert.Equal(1, await RemoveExpiredAsync(Store, limit: 2));
        Assert.Null(await Rows.GetIdempotencyAsync("t", "k4"));
    }

    [Fact]
    public async Task A_key_claimed_again_after_expiry_is_not_swept_with_its_old_record()
    {
        await Store.ClaimIdempotencyAsync(Record("k", hash: 1, T0));
        Clock.Now = T0.AddHours(25);
        Assert.Null(await Store.ClaimIdempotencyAsync(Record("k", hash: 2, Clock.Now)));

        await RemoveExpiredAsync(Store);

        Assert.Equal([2], (await Store.GetIdempotencyAsync("t", "k"))!.RequestHash);
        Clock.Now = T0.AddHours(50);
        Assert.Equal(1, await RemoveExpiredAsync(Store));
        Assert.Null(await Rows.GetIdempotencyAsync("t", "k"));
    }

    [Fact]
    public async Task A_record_put_keeps_its_creation_time_for_expiry()
    {
        // Completing a claim, or taking over an abandoned one, keeps the key's original time.
        Clock.Now = T0.AddHours(23);
        await Store.PutIdempotencyAsync(Record("k", hash: 1, T0) with { StatusCode = 202 });
        Assert.Equal(202, (await Store.GetIdempotencyAsync("t", "k"))!.StatusCode);

        Clock.Now = T0.AddHours(24);
        Assert.Null(await Store.GetIdempotencyAsync("t", "k"));
    }

    [Fact]
    public async Task Concurrent_claims_over_an_expired_record_have_exactly_one_winner()
    {
        await Store.ClaimIdempotencyAsync(Record("k", hash: 99, T0));
        Clock.Now = T0.AddHours(30);

        var holders = await AllAtOnceAsync(16, async i => (Hash: (byte)i, Holder: await Store.ClaimIdempotencyAsync(Record("k", (byte)i, Clock.Now))));

        var winner = Assert.Single(holders, h => h.Holder is null);
        Assert.All(holders.Where(h => h.Holder is not null), h => Assert.Equal([winner.Hash], h.Holder!.RequestHash));
        Assert.Equal([winner.Hash], (await Store.GetIdempotencyAsync("t", "k"))!.RequestHash);
    }

    [Fact]
    public void A_retention_of_zero_or_less_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateStore(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateStore(TimeSpan.FromSeconds(-1)));
    }

    protected static IdempotencyRecord Record(string key, byte hash, DateTimeOffset createdAt) =>
        new("t", key, "send", [hash], createdAt, [Guid.NewGuid()]);
}
