using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

public sealed class IdempotencyRetentionTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    [Fact]
    public async Task After_the_retention_a_key_starts_a_new_request()
    {
        // The gateway's clock is the test's: the retention passes when the test moves it, not by
        // waiting, so every assertion holds however slow the machine (an hour of real time aside).
        var clock = new ShiftedClock();
        await using var gateway = await InProcessGateway.StartAsync(null, services => services.AddSingleton<TimeProvider>(clock), "--idempotency-retention", Retention.ToString());
        using var client = gateway.Client();
        var first = GatewayClient.WhatsAppText("+31611112222", "eerste");
        var second = GatewayClient.WhatsAppText("+31611112222", "tweede");

        using var original = await client.PostJsonAsync("/v1/messages", first, idempotencyKey: "order-7-paid");
        Assert.Equal(HttpStatusCode.Accepted, original.StatusCode);
        var originalId = (await GatewayClient.ReadJsonAsync(original))["id"]!.GetValue<string>();

        // Within the retention the key is held.
        clock.Advance(Retention - TimeSpan.FromSeconds(1));
        using (var conflict = await client.PostJsonAsync("/v1/messages", second, idempotencyKey: "order-7-paid"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        using var fresh = await client.PostJsonAsync("/v1/messages", second, idempotencyKey: "order-7-paid");
        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.False(fresh.Headers.Contains("Idempotent-Replayed"));
        var freshId = (await GatewayClient.ReadJsonAsync(fresh))["id"]!.GetValue<string>();
        Assert.NotEqual(originalId, freshId);

        // The new request holds the key for a retention of its own.
        clock.Advance(Retention - TimeSpan.FromSeconds(1));
        using var replay = await client.PostJsonAsync("/v1/messages", second, idempotencyKey: "order-7-paid");
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(freshId, (await GatewayClient.ReadJsonAsync(replay))["id"]!.GetValue<string>());
    }

    /// <summary>The system clock moved forward by what the test adds; timers still run in real time.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _shiftTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
    }
}
