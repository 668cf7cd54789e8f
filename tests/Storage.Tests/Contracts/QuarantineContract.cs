using MessagingGateway.Core.Log;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IQuarantine"/> does: records by id, byte for byte, listed in ordinal id order.</summary>
public abstract class QuarantineContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected abstract IQuarantine Quarantine { get; }

    [Fact]
    public async Task A_record_round_trips_byte_for_byte_with_its_time_to_the_millisecond()
    {
        var record = Record(new LogPosition(3, 1_234_567_890_123, LogStream.Inbound), attempts: 5) with
        {
            Key = new byte[] { 0, 1, 0 },
            Value = new byte[] { 255, 0, 7 },
            Error = "System.InvalidOperationException: bad \"thing\" ✓",
            At = T0.AddTicks(1_234_567), // 123.4567 ms: kept as 123 ms
        };

        await Quarantine.PutAsync(record);
        var read = await Quarantine.GetAsync(record.Id);

        Assert.NotNull(read);
        Assert.Equal(("in-3-1234567890123", record.Position, 5, record.Error, T0.AddMilliseconds(123)), (read.Id, read.Position, read.Attempts, read.Error, read.At));
        Assert.Equal(record.Key.ToArray(), read.Key.ToArray());
        Assert.Equal(record.Value.ToArray(), read.Value.ToArray());
        Assert.Null(await Quarantine.GetAsync("in-3-1"));
    }

    [Fact]
    public async Task Records_list_in_ordinal_id_order_after_a_cursor()
    {
        foreach (var position in new[] { new LogPosition(0, 9), new LogPosition(0, 10), new LogPosition(1, 1), new LogPosition(0, 2, LogStream.Inbound) })
        {
            await Quarantine.PutAsync(Record(position));
        }

        Assert.Equal(["in-0-2", "out-0-10", "out-0-9", "out-1-1"], (await Quarantine.ListAsync(null, 10)).Select(r => r.Id));
        Assert.Equal(["in-0-2", "out-0-10"], (await Quarantine.ListAsync(null, 2)).Select(r => r.Id));
        Assert.Equal(["out-0-9", "out-1-1"], (await Quarantine.ListAsync("out-0-10", 10)).Select(r => r.Id));
        Assert.Equal(["out-0-10", "out-0-9", "out-1-1"], (await Quarantine.ListAsync("out", 10)).Select(r => r.Id));
        Assert.Empty(await Quarantine.ListAsync("out-1-1", 10));
    }

    [Fact]
    public async Task Putting_a_record_again_replaces_it_and_delete_removes_it()
    {
        var position = new LogPosition(0, 9);
        await Quarantine.PutAsync(Record(position, attempts: 1));
        await Quarantine.PutAsync(Record(position, attempts: 2) with { Error = "again" });

        var read = Assert.Single(await Quarantine.ListAsync(null, 10));
        Assert.Equal((2, "again"), (read.Attempts, read.Error));

        await Quarantine.DeleteAsync(read.Id);
        await Quarantine.DeleteAsync("out-7-7");
        Assert.Null(await Quarantine.GetAsync(read.Id));
        Assert.Empty(await Quarantine.ListAsync(null, 10));
    }

    private static QuarantinedRecord Record(LogPosition position, int attempts = 3) =>
        new(QuarantinedRecord.IdOf(position), position, new byte[] { 1 }, new byte[] { 2, 3 }, attempts, "boom", T0);
}
