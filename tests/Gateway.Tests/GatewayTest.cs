namespace MessagingGateway.Gateway.Tests;

/// <summary>A test class with its own running gateway (fresh data folder) and an Acme client.</summary>
public abstract class GatewayTest : IAsyncLifetime
{
    protected InProcessGateway Gateway { get; private set; } = null!;

    protected GatewayClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await InProcessGateway.StartAsync();
        Client = Gateway.Client();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
    }
}
