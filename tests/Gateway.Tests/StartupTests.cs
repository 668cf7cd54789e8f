using MessagingGateway.Dispatch;
using MessagingGateway.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MessagingGateway.Gateway.Tests;

public sealed class StartupTests
{
    private static string DemoSeeds => Path.Combine(AppContext.BaseDirectory, "seeds", "tenants.json");

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://10.1.2.3:0")]
    public void The_demo_tenant_refuses_non_loopback_addresses(string urls)
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", urls, "--data-dir", folder.Path, "--tenants-file", DemoSeeds]));
        Assert.Contains("demo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_ends_the_start_with_a_clear_message_and_no_stack_trace()
    {
        using var folder = new TempDirectory();
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;

        var (exitCode, output) = await GatewayProcess.RunToExitAsync("--urls", $"http://127.0.0.1:{port}", "--data-dir", Path.Combine(folder.Path, "data"));

        Assert.Equal(2, exitCode);
        Assert.Contains("did not start", output, StringComparison.Ordinal);
        Assert.Contains("address already in use", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_tenant_runs_on_loopback_with_the_key_from_the_readme()
    {
        Assert.True(File.Exists(DemoSeeds), "seeds/tenants.json must ship next to the gateway");
        using var folder = new TempDirectory();
        await using var app = GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", Path.Combine(folder.Path, "data"), "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var address = app.Urls.First();
        using var client = new GatewayClient(new Uri(address), ReadmeDemoKey());
        var accepted = await client.SendAsync("""{"channel":"sandbox","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"Hallo"}}""");
        Assert.Equal("accepted", accepted["status"]!.GetValue<string>());
        await app.StopAsync();
    }

    [Fact]
    public async Task A_kestrel_endpoint_setting_that_overrides_urls_is_judged_by_what_was_bound()
    {
        // --urls says loopback, Kestrel's own endpoint setting wins; a Unix socket may have anything
        // in front of it, so with the demo tenant's public key it is refused.
        using var folder = new TempDirectory();
        var socket = Path.Combine(folder.Path, "gw.sock");
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(
            "--urls", "http://127.0.0.1:0", $"--Kestrel:Endpoints:Http:Url=http://unix:{socket}", "--data-dir", Path.Combine(folder.Path, "data"));

        Assert.True(exitCode == 2, $"exit code {exitCode}, output:\n{output}");
        Assert.Contains("Refusing to serve on http://unix:", output, StringComparison.Ordinal);
        Assert.Contains("demo", output, StringComparison.Ordinal);
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), $"a stack trace in the output:\n{output}");
    }

    [Fact]
    public async Task The_start_banner_names_the_address_kestrel_bound_and_where_the_demo_key_is()
    {
        using var folder = new TempDirectory();
        var (asked, bound) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        var banner = new CapturedLog();
        await using var app = GatewayHost.Build(
            ["--urls", $"http://127.0.0.1:{asked}", $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{bound}", "--data-dir", Path.Combine(folder.Path, "data")],
            services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(banner));
        await app.StartAsync();
        try
        {
            Assert.Equal([$"http://127.0.0.1:{bound}"], app.Urls);
            using var client = new GatewayClient(new Uri($"http://127.0.0.1:{bound}"), ReadmeDemoKey());
            using var health = await client.GetAsync("/health/live");
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }

        var lines = banner.Lines;
        Assert.Contains(lines, line => line.Contains($"Listening on http://127.0.0.1:{bound}", StringComparison.Ordinal) && line.Contains("README.md, 'Walk-through'", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_demo_tenants_may_listen_anywhere()
    {
        using var folder = new TempDirectory();
        var app = GatewayHost.Build(["--urls", "http://0.0.0.0:0", "--data-dir", Path.Combine(folder.Path, "data"), "--tenants-file", TestTenants.WriteFile(folder.Path)]);
        ((IDisposable)app).Dispose();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5000")]
    public void Partition_count_out_of_range_is_refused(string partitions)
    {
        using var folder = new TempDirectory();
        Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", folder.Path, "--partitions", partitions]));
    }

    [Fact]
    public async Task A_data_folder_keeps_its_partition_count_and_cannot_be_shared()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        await using (var gateway = await InProcessGateway.StartAsync(dataDir, "--partitions", "8"))
        {
            var shared = Assert.Throws<GatewayStartupException>(() =>
                GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--tenants-file", TestTenants.WriteFile(folder.Path)]));
            Assert.Contains("in use", shared.Message, StringComparison.Ordinal);
        }

        var mismatch = Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--partitions", "16", "--tenants-file", TestTenants.WriteFile(folder.Path)]));
        Assert.Contains("8 partitions", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tenants_file_is_a_clear_error()
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", folder.Path, "--tenants-file", Path.Combine(folder.Path, "nope.json")]));
        Assert.Contains("nope.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--transport", "carrier-pigeon")]
    [InlineData("--transport", "kafka")]
    [InlineData("--kafka-dev-cluster", "3")]
    [InlineData("--role", "everything")]
    public void Transport_and_role_mistakes_are_clear_errors(string flag, string value)
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", folder.Path, flag, value]));
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--idempotency-retention", "0", "--idempotency-retention")]
    [InlineData("--idempotency-retention", "-01:00:00", "--idempotency-retention")]
    [InlineData("--idempotency-retention", "a day", "Gateway:IdempotencyRetention")]
    [InlineData("--partitions", "many", "Gateway:Partitions")]
    public void Settings_that_are_no_value_of_their_kind_are_clear_errors(string flag, string value, string named)
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", folder.Path, flag, value]));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_kafka_fails_the_start_with_the_address()
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<GatewayStartupException>(() =>
            GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", folder.Path, "--transport", "kafka", "--kafka-bootstrap", "127.0.0.1:1"]));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_only_node_accepts_and_leaves_dispatch_to_others()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        string id;
        await using (var gateway = await InProcessGateway.StartAsync(dataDir, "--role", "gateway"))
        {
            // Not "still accepted after a while": nothing in this node reads the log, so there is no
            // later step to wait for. That no dispatcher runs here is what keeps the message waiting.
            Assert.DoesNotContain(gateway.Services.GetServices<IHostedService>(), service => service is Dispatcher);
            using var client = gateway.Client();
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            id = (await client.SendAsync(GatewayClient.SandboxText("+31612345678", "x")))["id"]!.GetValue<string>();
            using var message = await client.GetAsync($"/v1/messages/{id}");
            Assert.Equal("accepted", (await GatewayClient.ReadJsonAsync(message))["status"]!.GetValue<string>());
        }

        // The message waits in the log for a node that dispatches.
        await using var dispatching = await InProcessGateway.StartAsync(dataDir, "--Sandbox:ReceiptDelay=00:00:00.010");
        using var again = dispatching.Client();
        await again.WaitForStatusAsync(id, "read");
    }

    /// <summary>The demo key as the README documents it, so the walk-through stays true.</summary>
    private static string ReadmeDemoKey()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "README.md")))
        {
            dir = dir.Parent;
        }

        var readme = File.ReadAllText(Path.Combine(dir!.FullName, "README.md"));
        var match = System.Text.RegularExpressions.Regex.Match(readme, @"mgw_demo_[A-Za-z0-9]+");
        Assert.True(match.Success, "README.md must show the demo API key");
        return match.Value;
    }
}
