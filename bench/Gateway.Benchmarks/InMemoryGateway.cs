using System.Net.Http.Headers;
using MessagingGateway.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Benchmarks;

/// <summary>
/// The whole gateway as <c>dotnet run --project src/Gateway</c> starts it (the real host, the
/// embedded RocksDB log and store, the dispatcher, the sandbox handsets, the demo tenant) on a
/// fresh data folder, served by an in-memory <see cref="TestServer"/> instead of Kestrel.
/// </summary>
internal sealed class InMemoryGateway : IAsyncDisposable
{
    /// <summary>The demo tenant's API key (public, from the README; the seeded tenants file stores its SHA-256).</summary>
    public const string DemoApiKey = "mgw_demo_4f9c2e7a1b5d8c3e6f0a";

    private readonly WebApplication _app;
    private readonly string _dataDir;

    private InMemoryGateway(WebApplication app, string dataDir, HttpClient client)
    {
        _app = app;
        _dataDir = dataDir;
        Client = client;
    }

    /// <summary>Sends as the demo tenant.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts it; <paramref name="settings"/> are extra flags such as <c>--Sandbox:ReceiptDelay=00:00:00</c>.</summary>
    public static async Task<InMemoryGateway> StartAsync(params string[] settings)
    {
        // The log's group commit fsyncs, so the folder must be on a real disk (see BenchDirectory).
        var dataDir = BenchDirectory.Create("mg-bench-gateway-");
        WebApplication? app = null;
        try
        {
            using (TestServerInjection.Begin())
            {
                // Warnings only: the host's start-up lines would land in the middle of BenchmarkDotNet's output.
                app = GatewayHost.Build([
                    "--data-dir", Path.Combine(dataDir, "data"),
                    "--Logging:LogLevel:Default=Warning",
                    "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
                    "--Logging:LogLevel:MessagingGateway=Warning",
                    .. settings,
                ]);
            }

            if (app.Services.GetRequiredService<IServer>() is not TestServer server)
            {
                throw new InvalidOperationException("The host did not take the in-memory TestServer; it would listen on a socket.");
            }

            await app.StartAsync();
            var client = server.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoApiKey);
            return new InMemoryGateway(app, dataDir, client);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            BenchDirectory.Delete(dataDir);
            throw;
        }
    }

    /// <summary>Graceful stop: the dispatcher ends, the log flushes, the database closes; then the folder goes.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        BenchDirectory.Delete(_dataDir);
    }
}
