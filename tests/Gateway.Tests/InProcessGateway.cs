using MessagingGateway.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>The real gateway (Kestrel on a loopback port, RocksDB in a temp folder) inside the test process.</summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;
    private WebApplication? _app;

    private InProcessGateway(TempDirectory? ownedDirectory, string dataDir)
    {
        _ownedDirectory = ownedDirectory;
        DataDir = dataDir;
    }

    public string DataDir { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Starts a gateway with the two test tenants on a fresh (or the given) data folder.</summary>
    public static Task<InProcessGateway> StartAsync(string? dataDir = null, params string[] extraArgs) => StartAsync(dataDir, null, extraArgs);

    /// <summary>As above, with services replaced after the gateway's own (a test resolver, a log capture).</summary>
    public static async Task<InProcessGateway> StartAsync(string? dataDir, Action<IServiceCollection>? replaceServices, params string[] extraArgs)
    {
        var owned = dataDir is null ? new TempDirectory() : null;
        var gateway = new InProcessGateway(owned, dataDir ?? Path.Combine(owned!.Path, "data"));
        var tenantsFile = TestTenants.WriteFile(owned?.Path ?? Path.GetDirectoryName(gateway.DataDir)!);
        string[] args = ["--urls", "http://127.0.0.1:0", "--data-dir", gateway.DataDir, "--tenants-file", tenantsFile, "--Logging:LogLevel:Default=Warning", .. extraArgs];
        gateway._app = GatewayHost.Build(args, replaceServices);
        await gateway._app.StartAsync();
        var address = gateway._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.BaseAddress = new Uri(address);
        return gateway;
    }

    public GatewayClient Client(string? apiKey = TestTenants.AcmeKey) => new(BaseAddress, apiKey);

    /// <summary>Graceful stop: drains requests, flushes the log, closes the database.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _ownedDirectory?.Dispose();
    }
}
