using System.Diagnostics;
using System.Net;

namespace MessagingGateway.Gateway.Tests;

public sealed class IdempotencyRetentionTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task After_the_retention_a_key_starts_a_new_request()
    {
        await using var gateway = await InProcessGateway.StartAsync(null, "--idempotency-retention", Retention.ToString());
        using var client = gateway.Client();
        var first = GatewayClient.WhatsAppText("+31611112222", "eerste");
        var second = GatewayClient.WhatsAppText("+31611112222", "tweede");

        var held = Stopwatch.StartNew();
        using var original = await client.PostJsonAsync("/v1/messages", first, idempotencyKey: "order-7-paid");
        var originalId = (await GatewayClient.ReadJsonAsync(original))["id"]!.GetValue<string>();
        using (var conflict = await client.PostJsonAsync("/v1/messages", second, idempotencyKey: "order-7-paid"))
        {
            // Within the retention the key is held (the bound only keeps a stalled machine from failing the test).
            if (held.Elapsed < Retention * 0.75)
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
            }
        }

        await Task.Delay(Retention + TimeSpan.FromMilliseconds(200));
        var fresh = await client.PostJsonAsync("/v1/messages", second, idempotencyKey: "order-7-paid");
        held.Restart();
        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.False(fresh.Headers.Contains("Idempotent-Replayed"));
        var freshId = (await GatewayClient.ReadJsonAsync(fresh))["id"]!.GetValue<string>();
        fresh.Dispose();
        Assert.NotEqual(originalId, freshId);

        using var replay = await client.PostJsonAsync("/v1/messages", second, idempotencyKey: "order-7-paid");
        if (held.Elapsed < Retention * 0.75)
        {
            Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(freshId, (await GatewayClient.ReadJsonAsync(replay))["id"]!.GetValue<string>());
        }
    }
}
