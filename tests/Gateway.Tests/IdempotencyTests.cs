using System.Net;

namespace MessagingGateway.Gateway.Tests;

public class IdempotencyTests : GatewayTest
{
    [Fact]
    public async Task A_retry_with_the_same_key_and_body_replays_the_original_response()
    {
        var body = GatewayClient.WhatsAppText("+31611111111", "eenmaal");
        using var first = await Client.PostJsonAsync("/v1/messages", body, idempotencyKey: "order-A-1001-shipped");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var original = await first.Content.ReadAsStringAsync();

        using var retry = await Client.PostJsonAsync("/v1/messages", body, idempotencyKey: "order-A-1001-shipped");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(original, await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);

        var conversationId = (await GatewayClient.ReadJsonAsync(first))["conversationId"]!.GetValue<string>();
        await Client.WaitForTimelineAsync(conversationId, 1);
        Assert.Single(await Client.ReadTimelineAsync(conversationId));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_422()
    {
        using var first = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31622222222", "een"), idempotencyKey: "k-conflict");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var other = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31622222222", "twee"), idempotencyKey: "k-conflict");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.EndsWith("idempotency-key-reused", (await GatewayClient.ReadJsonAsync(other))["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_per_tenant()
    {
        using var globex = Gateway.Client(TestTenants.GlobexKey);
        using var a = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31633333333", "x"), idempotencyKey: "shared-key");
        using var g = await globex.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31633333333", "y"), idempotencyKey: "shared-key");
        Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, g.StatusCode);
        Assert.False(g.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Concurrent_duplicates_make_exactly_one_message()
    {
        var body = GatewayClient.WhatsAppText("+31644444444", "tegelijk");
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            using var response = await Client.PostJsonAsync("/v1/messages", body, idempotencyKey: "race-1");
            return (response.StatusCode, Body: await GatewayClient.ReadJsonAsync(response));
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = responses.Select(r => r.Body["id"]!.GetValue<string>()).Distinct().ToList();
        Assert.Single(ids);

        // A barrier: every append the 24 requests made happened before their 202s, so before this
        // message's; the conversation's records are applied in log order, so once this one is on
        // the timeline a duplicate would be there too.
        var conversationId = responses[0].Body["conversationId"]!.GetValue<string>();
        var barrier = await Client.SendAsync(GatewayClient.WhatsAppText("+31644444444", "daarna"));
        Assert.Equal(conversationId, barrier["conversationId"]!.GetValue<string>());
        await Client.WaitForTimelineAsync(conversationId, 2);
        var timeline = await Client.ReadTimelineAsync(conversationId);
        Assert.Equal([ids[0], barrier["id"]!.GetValue<string>()], timeline.Select(m => m["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Batches_replay_too()
    {
        var body = "{\"messages\":[" + GatewayClient.WhatsAppText("+31655555555", "a") + "," + GatewayClient.WhatsAppText("+31655555556", "b") + "]}";
        using var first = await Client.PostJsonAsync("/v1/messages/batch", body, idempotencyKey: "batch-1");
        using var retry = await Client.PostJsonAsync("/v1/messages/batch", body, idempotencyKey: "batch-1");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_invalid_request_does_not_use_up_the_key()
    {
        using var invalid = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("not-a-number", "x"), idempotencyKey: "fix-and-retry");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        using var fixedRequest = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31666666666", "x"), idempotencyKey: "fix-and-retry");
        Assert.Equal(HttpStatusCode.Accepted, fixedRequest.StatusCode);
        Assert.False(fixedRequest.Headers.Contains("Idempotent-Replayed"));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    public async Task Bad_keys_are_refused(int length)
    {
        using var response = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31677777777", "x"), idempotencyKey: new string('k', length));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await GatewayClient.ReadJsonAsync(response))["errors"]!.AsObject().ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task A_key_of_255_characters_works()
    {
        using var response = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31688888888", "x"), idempotencyKey: new string('k', 255));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
