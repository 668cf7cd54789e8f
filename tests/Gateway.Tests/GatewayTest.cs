namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// A test class with its own running gateway (fresh data folder) and an Acme client. Subclasses
/// for Kafka override <see cref="TransportArgs"/>: one suite, two transports.
/// </summary>
public abstract class GatewayTest : IAsyncLifetime
{
    /// <summary>Extra arguments choosing the log transport; the embedded log by default.</summary>
    protected virtual string[] TransportArgs => [];

    /// <summary>False for suites whose tests each start a gateway with their own settings.</summary>
    protected virtual bool StartsSharedGateway => true;

    protected InProcessGateway Gateway { get; private set; } = null!;

    protected GatewayClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (StartsSharedGateway)
        {
            Gateway = await InProcessGateway.StartAsync(null, TransportArgs);
            Client = Gateway.Client();
        }
    }

    /// <summary>Another gateway on the same transport, with more settings.</summary>
    protected Task<InProcessGateway> StartGatewayAsync(params string[] args) => InProcessGateway.StartAsync(null, [.. TransportArgs, .. args]);

    public async Task DisposeAsync()
    {
        if (StartsSharedGateway)
        {
            Client.Dispose();
            await Gateway.DisposeAsync();
        }
    }
}
