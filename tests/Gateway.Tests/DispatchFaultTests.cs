using System.Text.Json.Nodes;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>Faults inside the gateway that must neither stall a conversation for good nor mislead the tenant.</summary>
public sealed class DispatchFaultTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public async Task A_webhook_attempt_that_throws_inside_the_gateway_is_retried_and_the_conversation_goes_on()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        FailingWebhookStore? store = null;
        await using var gateway = await InProcessGateway.StartAsync(
            null,
            services => services.AddSingleton<IWebhookStore>(sp => store = new FailingWebhookStore(sp.GetRequiredService<EmbeddedStorage>().Webhooks)),
            "--Sandbox:ReceiptDelay=00:00:00.010", "--Webhooks:BaseRetryDelay=00:00:00.050", "--Webhooks:MaxRetryDelay=00:00:00.200");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        store!.FailNextEventReads(2);

        var id = (await client.SendAsync(GatewayClient.SandboxText("+31612340001", "x")))["id"]!.GetValue<string>();
        await client.WaitForStatusAsync(id, "read");

        await receiver.WaitForAsync(r => r.Count(w => w.StatusCode == 204) >= 4, TimeSpan.FromSeconds(20));
        var statuses = receiver.Received.Where(w => w.StatusCode == 204).Select(w => JsonNode.Parse(w.BodyText)!["data"]!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(["queued", "sent", "delivered", "read"], statuses);
        using var status = await client.GetAsync("/v1/webhook");
        var delivery = (await GatewayClient.ReadJsonAsync(status))["delivery"]!;
        Assert.Equal("the gateway could not complete the attempt; retrying", delivery["lastError"]!.GetValue<string>()); // never the exception's text
        Assert.Equal(0, delivery["pending"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_record_that_always_fails_is_quarantined_its_conversation_goes_on_and_the_operator_replays_it()
    {
        PoisonTimelineStore? store = null;
        await using var gateway = await InProcessGateway.StartAsync(
            null,
            services => services.AddSingleton<IDispatchStore>(sp => store = new PoisonTimelineStore(sp.GetRequiredService<EmbeddedStorage>().DispatchStore)),
            "--Sandbox:ReceiptDelay=00:00:00.010", "--Dispatch:MaxProcessingAttempts=3", "--Operations:ApiKey=ops-key-0123456789");
        using var client = gateway.Client();
        using var operatorClient = gateway.Client("ops-key-0123456789");
        var poison = await client.SendAsync(GatewayClient.SandboxText("+31612340010", PoisonTimelineStore.PoisonText));
        var after = (await client.SendAsync(GatewayClient.SandboxText("+31612340010", "after")))["id"]!.GetValue<string>();

        // Others' records keep succeeding meanwhile: that is what tells a bad record from a store outage.
        JsonArray items = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                await client.SendAsync(GatewayClient.SandboxText("+31612340011", "other"));
                using var list = await operatorClient.GetAsync("/ops/quarantine");
                items = (await GatewayClient.ReadJsonAsync(list))["items"]!.AsArray();
                return items.Count > 0;
            },
            TimeSpan.FromSeconds(30),
            "the poison record in quarantine");
        await client.WaitForStatusAsync(after, "read"); // the conversation went on without it

        var record = Assert.Single(items)!;
        Assert.Equal(poison["conversationId"]!.GetValue<string>(), record["conversationId"]!.GetValue<string>());
        Assert.Equal("outbound", record["stream"]!.GetValue<string>());
        Assert.True(record["attempts"]!.GetValue<int>() >= 3);
        Assert.Contains("injected", record["error"]!.GetValue<string>(), StringComparison.Ordinal);
        using (var stuck = await client.GetAsync("/v1/messages/" + poison["id"]!.GetValue<string>()))
        {
            Assert.Equal("accepted", (await GatewayClient.ReadJsonAsync(stuck))["status"]!.GetValue<string>());
        }

        using (var tenant = await client.GetAsync("/ops/quarantine"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, tenant.StatusCode); // a tenant's key is not the operator's
        }

        store!.Heal();
        using (var replay = await operatorClient.PostJsonAsync($"/ops/quarantine/{record["id"]!.GetValue<string>()}/replay", "{}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, replay.StatusCode);
        }

        await client.WaitForStatusAsync(poison["id"]!.GetValue<string>(), "read");
        using var empty = await operatorClient.GetAsync("/ops/quarantine");
        Assert.Empty((await GatewayClient.ReadJsonAsync(empty))["items"]!.AsArray());
    }

    [Fact]
    public async Task The_operations_api_is_off_without_an_operator_key()
    {
        await using var gateway = await InProcessGateway.StartAsync();
        using var client = gateway.Client();
        using var response = await client.GetAsync("/ops/quarantine");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
