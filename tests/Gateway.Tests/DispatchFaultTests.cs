using System.Text.Json.Nodes;
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
}
