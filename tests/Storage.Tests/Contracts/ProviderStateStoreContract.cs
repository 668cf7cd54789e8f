using MessagingGateway.Core.Payments;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IProviderStateStore"/> does: the sandbox provider's bytes by its keys.</summary>
public abstract class ProviderStateStoreContract : StoreContract
{
    protected abstract IProviderStateStore State { get; }

    [Fact]
    public async Task Values_are_kept_by_key_byte_for_byte_and_replaced_when_put_again()
    {
        byte[] first = [0, 1, 2, 255];
        await State.PutAsync("payment:tr_1", first);
        await State.PutAsync("payment:tr_10", [9]);

        Assert.Equal(first, await State.GetAsync("payment:tr_1"));
        Assert.Null(await State.GetAsync("payment:tr_2"));

        await State.PutAsync("payment:tr_1", []);
        Assert.Equal(Array.Empty<byte>(), await State.GetAsync("payment:tr_1"));
        Assert.Equal(new byte[] { 9 }, await State.GetAsync("payment:tr_10"));
    }
}
