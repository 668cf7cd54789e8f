using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MessagingGateway.Dispatch.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Webhook URLs cannot be used to reach internal services or to learn which ports are open: the
/// policy is checked when a URL is configured and again, on the resolved address, at every
/// connection; configuring never connects; delivery errors name what failed, not what answered.
/// </summary>
public sealed class WebhookUrlPolicyTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly IPAddress PublicAddress = IPAddress.Parse("93.184.216.34");

    [Theory]
    [InlineData("http://127.0.0.1:9000/hooks")]
    [InlineData("http://10.0.0.5/hooks")]
    [InlineData("http://172.16.3.4/hooks")]
    [InlineData("http://192.168.1.10/hooks")]
    [InlineData("http://100.64.0.1/hooks")]
    [InlineData("http://169.254.10.1/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9000/hooks")]
    [InlineData("http://[fd12:3456::1]/hooks")]
    [InlineData("http://[fe80::1]/hooks")]
    [InlineData("http://[::ffff:10.0.0.1]/hooks")]
    [InlineData("http://224.0.0.1/hooks")]
    [InlineData("http://0.0.0.0:9000/hooks")]
    [InlineData("http://localhost:9000/hooks")]
    [InlineData("http://internal.example/hooks")]
    [InlineData("http://mixed.example/hooks")]
    public async Task Private_loopback_link_local_and_metadata_targets_are_refused_when_private_networks_are_not_allowed(string url)
    {
        var (gateway, resolver) = await StartAsync("--Webhooks:AllowPrivateNetworks=false");
        await using var _ = gateway;
        resolver.Answer("localhost", IPAddress.Loopback);
        resolver.Answer("internal.example", IPAddress.Parse("10.1.2.3"));
        resolver.Answer("mixed.example", PublicAddress, IPAddress.Parse("192.168.0.1"));
        using var client = gateway.Client();

        using var response = await client.PutJsonAsync("/v1/webhook", new JsonObject { ["url"] = url }.ToJsonString());

        var body = await GatewayClient.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, body.ToJsonString());
        Assert.Contains("is not allowed", body["errors"]!["url"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_services_and_multicast_are_refused_even_where_private_networks_are_allowed()
    {
        var (gateway, _) = await StartAsync("--Webhooks:AllowPrivateNetworks=true");
        await using var __ = gateway;
        using var client = gateway.Client();
        foreach (var url in (string[])["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/", "http://239.1.2.3/"])
        {
            using var response = await client.PutJsonAsync("/v1/webhook", new JsonObject { ["url"] = url }.ToJsonString());
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, url);
        }
    }

    [Fact]
    public async Task Configuring_a_url_never_connects_so_it_reveals_nothing_about_open_ports()
    {
        // The default loopback run allows private networks: an open and a closed port answer alike.
        await using var receiver = await WebhookReceiver.StartAsync();
        var (gateway, resolver) = await StartAsync();
        await using var _ = gateway;
        resolver.Answer("hooks.example.com", PublicAddress);
        using var client = gateway.Client();

        foreach (var url in (string[])[receiver.Url.ToString(), $"http://127.0.0.1:{GatewayProcess.FreePort()}/hooks", "https://hooks.example.com/not-deployed-yet", "https://not-in-dns-yet.example/hooks"])
        {
            using var response = await client.PutJsonAsync("/v1/webhook", new JsonObject { ["url"] = url, ["secret"] = Secret }.ToJsonString());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_private_address_at_delivery_time_is_not_connected_to()
    {
        // DNS rebinding: public when configured, the gateway's own network when delivered.
        await using var receiver = await WebhookReceiver.StartAsync();
        var (gateway, resolver) = await StartAsync("--Webhooks:AllowPrivateNetworks=false", "--Webhooks:BaseRetryDelay=00:10:00");
        await using var _ = gateway;
        resolver.Answer("hooks.example.com", PublicAddress);
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(new Uri($"http://hooks.example.com:{receiver.Url.Port}{receiver.Url.AbsolutePath}"), Secret);

        resolver.Answer("hooks.example.com", IPAddress.Loopback);
        await client.SendAsync(GatewayClient.SandboxText("+31612345602", "rebind"));

        var delivery = await WaitForLastErrorAsync(client);
        Assert.StartsWith("refused by the webhook URL policy", delivery["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Deliveries_connect_to_the_address_the_policy_checked()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (gateway, resolver) = await StartAsync();
        await using var _ = gateway;
        resolver.Answer("hooks.test", IPAddress.Loopback);
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(new Uri($"http://hooks.test:{receiver.Url.Port}{receiver.Url.AbsolutePath}"), Secret);

        await client.SendAsync(GatewayClient.SandboxText("+31612345603", "via the resolver"));

        await receiver.WaitForAsync(received => received.Count > 0, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_last_error_says_what_failed_without_internal_detail()
    {
        var (gateway, _) = await StartAsync("--Webhooks:BaseRetryDelay=00:10:00");
        await using var __ = gateway;
        using var client = gateway.Client();
        var port = GatewayProcess.FreePort();
        await client.ConfigureWebhookAsync(new Uri($"http://127.0.0.1:{port}/hooks"), Secret);

        await client.SendAsync(GatewayClient.SandboxText("+31612345604", "nobody listens"));

        var lastError = (await WaitForLastErrorAsync(client))["lastError"]!.GetValue<string>();
        Assert.Equal("connection refused", lastError);
    }

    [Fact]
    public async Task A_hanging_endpoint_is_retried_after_the_backoff_counted_from_the_end_of_the_attempt()
    {
        // Timeout 2 s, backoff 0.5–1 s: counted from the start, the retry would follow the timeout at once.
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = WebhookReceiverMode.Slow;
        receiver.SlowDelay = TimeSpan.FromSeconds(30);
        var (gateway, _) = await StartAsync("--Webhooks:RequestTimeout=00:00:02", "--Webhooks:BaseRetryDelay=00:00:01", "--Webhooks:MaxRetryDelay=00:00:01");
        await using var __ = gateway;
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);

        await client.SendAsync(GatewayClient.SandboxText("+31612345605", "hang"));

        await receiver.WaitForAsync(received => received.Count >= 2, TimeSpan.FromSeconds(30));
        var attempts = receiver.Received;
        var gap = attempts[1].ReceivedAt - attempts[0].ReceivedAt;
        Assert.True(gap >= TimeSpan.FromSeconds(2.45), $"retried {gap.TotalSeconds:0.00} s after the first attempt started");
    }

    private static async Task<(InProcessGateway Gateway, TestHostResolver Resolver)> StartAsync(params string[] args)
    {
        var resolver = new TestHostResolver();
        var gateway = await InProcessGateway.StartAsync(null, services => services.AddSingleton<IWebhookHostResolver>(resolver), ["--Sandbox:ReceiptDelay=00:00:00.010", .. args]);
        return (gateway, resolver);
    }

    private static async Task<JsonObject> WaitForLastErrorAsync(GatewayClient client)
    {
        JsonObject? delivery = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await client.GetAsync("/v1/webhook");
                delivery = (await GatewayClient.ReadJsonAsync(response))["delivery"]!.AsObject();
                return delivery["lastError"] is not null;
            },
            TimeSpan.FromSeconds(30),
            () => "a delivery error being reported (last seen: " + delivery?.ToJsonString() + ")");
        return delivery!;
    }
}
