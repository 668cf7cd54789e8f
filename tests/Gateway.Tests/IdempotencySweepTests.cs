using MessagingGateway.Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Gateway.Tests;

public class IdempotencySweepTests
{
    [Fact]
    public async Task A_sweep_takes_full_batches_until_one_comes_back_short()
    {
        var batches = new Queue<int>([IdempotencySweep.Limit, IdempotencySweep.Limit, 3]);
        var calls = 0;
        var sweep = new IdempotencySweep((limit, _) =>
        {
            calls++;
            Assert.Equal(IdempotencySweep.Limit, limit);
            return Task.FromResult(batches.Dequeue());
        }, TimeProvider.System, NullLogger<IdempotencySweep>.Instance);

        Assert.Equal((2 * IdempotencySweep.Limit) + 3, await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_store_that_fails_ends_the_sweep_quietly_and_the_next_one_tries_again()
    {
        var fail = true;
        var sweep = new IdempotencySweep(
            (_, _) => fail ? throw new IOException("injected: the store cannot be reached") : Task.FromResult(2),
            TimeProvider.System,
            NullLogger<IdempotencySweep>.Instance);

        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        fail = false;
        Assert.Equal(2, await sweep.SweepAsync(CancellationToken.None));
    }
}
