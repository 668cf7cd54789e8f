using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Tests;

/// <summary>The <see cref="DispatchTests"/> suite with dispatch behind the requests (<c>Dispatch:RequestsFirst</c>).</summary>
public sealed class RequestsFirstDispatchTests : DispatchTests
{
    protected override string[] TransportArgs => ["--Dispatch:RequestsFirst=true"];

    [Fact]
    public async Task The_setting_takes_dispatch_off_the_pool_queue_and_says_so()
    {
        var log = new CapturedLog();
        await using var gateway = await InProcessGateway.StartAsync(null, services => services.AddSingleton<ILoggerProvider>(log), [.. TransportArgs, "--Logging:LogLevel:MessagingGateway=Information"]);
        using var client = gateway.Client();
        var id = (await client.SendAsync(GatewayClient.SandboxText("+31612000777", "behind the requests")))["id"]!.GetValue<string>();

        await client.WaitForStatusAsync(id, "read");
        Assert.Contains(log.Lines, line => line.Contains("[2007] Dispatch runs behind the requests: on at most " + Environment.ProcessorCount + " pool thread(s)", StringComparison.Ordinal));
    }
}
