using MessagingGateway.Core.Store;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

/// <summary>Idempotency records live for the retention after their first request, then go.</summary>
public sealed class IdempotencyExpiryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly TempDirectory _directory = new();
    private readonly EmbeddedDatabase _database;
    private readonly ManualClock _clock = new(T0);
    private readonly RocksDbConversationStore _store;

    // Same rows, a far longer retention: shows what is physically still there.
    private readonly RocksDbConversationStore _rows;

    public IdempotencyExpiryTests()
    {
        _database = EmbeddedDatabase.Open(_directory.Path);
        _store = new RocksDbConversationStore(_database, Retention, _clock);
        _rows = new RocksDbConversationStore(_database, TimeSpan.FromDays(3650), _clock);
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_key_holds_for_the_whole_retention_and_can_be_claimed_afresh_after_it()
    {
        var first = Record("k", hash: 1, T0) with { StatusCode = 202, ResponseBody = [1] };
        Assert.Null(await _store.ClaimIdempotencyAsync(first));

        _clock.Now = T0 + Retention - TimeSpan.FromMilliseconds(1);
        Assert.Equal([1], (await _store.GetIdempotencyAsync("t", "k"))!.RequestHash);
        Assert.Equal([1], (await _store.ClaimIdempotencyAsync(Record("k", hash: 2, _clock.Now)))!.RequestHash);

        _clock.Now = T0 + Retention;
        Assert.Null(await _store.GetIdempotencyAsync("t", "k"));
        Assert.Null(await _store.ClaimIdempotencyAsync(Record("k", hash: 3, _clock.Now)));
        Assert.Equal([3], (await _store.GetIdempotencyAsync("t", "k"))!.RequestHash);
    }

    [Fact]
    public async Task The_sweep_deletes_expired_records_and_keeps_the_rest()
    {
        await _store.ClaimIdempotencyAsync(Record("old-1", hash: 1, T0));
        await _store.ClaimIdempotencyAsync(Record("old-2", hash: 2, T0.AddHours(1)));
        await _store.ClaimIdempotencyAsync(Record("young", hash: 3, T0.AddHours(3)));
        await _store.ClaimIdempotencyAsync(Record("freed", hash: 4, T0));
        await _store.DeleteIdempotencyAsync("t", "freed");

        _clock.Now = T0.AddHours(26);
        Assert.Equal(3, _store.RemoveExpiredIdempotency()); // old-1, freed's index entry, old-2

        Assert.Null(await _rows.GetIdempotencyAsync("t", "old-1"));
        Assert.Null(await _rows.GetIdempotencyAsync("t", "old-2"));
        Assert.Equal([3], (await _rows.GetIdempotencyAsync("t", "young"))!.RequestHash);
        Assert.Equal([3], (await _store.GetIdempotencyAsync("t", "young"))!.RequestHash);
        Assert.Equal(0, _store.RemoveExpiredIdempotency());

        _clock.Now = T0.AddHours(27);
        Assert.Equal(1, _store.RemoveExpiredIdempotency());
        Assert.Null(await _rows.GetIdempotencyAsync("t", "young"));
    }

    [Fact]
    public async Task The_sweep_takes_at_most_its_limit_oldest_first()
    {
        for (var i = 0; i < 5; i++)
        {
            await _store.ClaimIdempotencyAsync(Record("k" + i, hash: (byte)i, T0.AddMinutes(i)));
        }

        _clock.Now = T0.AddDays(2);
        Assert.Equal(2, _store.RemoveExpiredIdempotency(limit: 2));
        Assert.Null(await _rows.GetIdempotencyAsync("t", "k0"));
        Assert.Null(await _rows.GetIdempotencyAsync("t", "k1"));
        Assert.NotNull(await _rows.GetIdempotencyAsync("t", "k2"));
        Assert.Equal(2, _store.RemoveExpiredIdempotency(limit: 2));
        Assert.Equal(1, _store.RemoveExpiredIdempotency(limit: 2));
        Assert.Null(await _rows.GetIdempotencyAsync("t", "k4"));
    }

    [Fact]
    public async Task A_key_claimed_again_after_expiry_is_not_swept_with_its_old_record()
    {
        await _store.ClaimIdempotencyAsync(Record("k", hash: 1, T0));
        _clock.Now = T0.AddHours(25);
        Assert.Null(await _store.ClaimIdempotencyAsync(Record("k", hash: 2, _clock.Now)));

        Assert.Equal(1, _store.RemoveExpiredIdempotency()); // the old index entry only

        Assert.Equal([2], (await _store.GetIdempotencyAsync("t", "k"))!.RequestHash);
        _clock.Now = T0.AddHours(50);
        Assert.Equal(1, _store.RemoveExpiredIdempotency());
        Assert.Null(await _rows.GetIdempotencyAsync("t", "k"));
    }

    [Fact]
    public async Task Expiry_and_the_index_survive_a_reopen()
    {
        await _store.ClaimIdempotencyAsync(Record("k", hash: 1, T0));
        _database.Dispose();

        using var reopened = EmbeddedDatabase.Open(_directory.Path);
        var store = new RocksDbConversationStore(reopened, Retention, new ManualClock(T0.AddHours(30)));
        Assert.Null(await store.GetIdempotencyAsync("t", "k"));
        Assert.Equal(1, store.RemoveExpiredIdempotency());
        Assert.Null(await new RocksDbConversationStore(reopened, TimeSpan.FromDays(3650)).GetIdempotencyAsync("t", "k"));
    }

    [Fact]
    public void A_retention_of_zero_or_less_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RocksDbConversationStore(_database, TimeSpan.Zero));
    }

    private static IdempotencyRecord Record(string key, byte hash, DateTimeOffset createdAt) =>
        new("t", key, "send", [hash], createdAt, [Guid.NewGuid()]);
}
