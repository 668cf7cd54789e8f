using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Gateway.Tests;

public class WebhookTests : GatewayTest
{
    protected override bool StartsSharedGateway => false;

    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string NewSecret = "whsec_c2VjcmV0LXR3by0xMjM0NTY3ODkwYWJjZGVm";

    private static string Customer(int n) => "+316" + (13_000_000 + n);

    [Fact]
    public async Task Configuration_refuses_endpoints_that_cannot_work()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        using (var none = await client.GetAsync("/v1/webhook"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        var cases = new (string Body, string Field)[]
        {
            ("""{"url":"ftp://example.com/hook"}""", "url"),
            ("""{"url":"not a url"}""", "url"),
            ("""{}""", "url"),
            ($$"""{"url":"{{gateway.BaseAddress}}hooks"}""", "url"),
            ($$"""{"url":"http://localhost:{{gateway.BaseAddress.Port}}/x"}""", "url"),
            ("""{"url":"http://user:pw@127.0.0.1/hooks"}""", "url"),
            ("""{"url":"http://127.0.0.1/hooks","secret":"plain-text"}""", "secret"),
            ("""{"url":"http://127.0.0.1/hooks","secret":"whsec_c2hvcnQ="}""", "secret"),
        };
        foreach (var (body, field) in cases)
        {
            using var response = await client.PutJsonAsync("/v1/webhook", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{body} → {(int)response.StatusCode} {text}");
            Assert.True((await GatewayClient.ReadJsonAsync(response))["errors"]!.AsObject().ContainsKey(field), text);
        }

        using var notJson = await client.PutJsonAsync("/v1/webhook", "[1]");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task Configuration_generates_a_secret_and_shows_only_hints()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        using var put = await client.PutJsonAsync("/v1/webhook", new JsonObject { ["url"] = receiver.Url.ToString() }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var secret = (await GatewayClient.ReadJsonAsync(put))["secrets"]!.AsArray().Single()!.GetValue<string>();
        Assert.True(WebhookSecret.TryParse(secret, out _, out _));

        using var get = await client.GetAsync("/v1/webhook");
        var shown = await get.Content.ReadAsStringAsync();
        Assert.Contains(receiver.Url.ToString(), shown, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
        Assert.Contains(secret[^4..], shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task During_rotation_every_delivery_verifies_with_both_secrets()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, NewSecret, secondarySecret: Secret);
        var accepted = await client.SendAsync(GatewayClient.SandboxText(Customer(1), "x"));
        await client.WaitForStatusAsync(accepted["id"]!.GetValue<string>(), "read");
        await receiver.WaitForAsync(received => received.Count >= 4, TimeSpan.FromSeconds(10));
        foreach (var webhook in receiver.Received)
        {
            Assert.True(WebhookSignature.Verify(DispatchTests.ParseSecret(NewSecret), webhook.Id!, webhook.UnixTimestamp!.Value, webhook.Body, webhook.Signature!));
            Assert.True(WebhookSignature.Verify(DispatchTests.ParseSecret(Secret), webhook.Id!, webhook.UnixTimestamp!.Value, webhook.Body, webhook.Signature!));
        }
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_every_event_in_conversation_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = WebhookReceiverMode.Fail;
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010",
            "--Webhooks:BaseRetryDelay=00:00:00.050", "--Webhooks:MaxRetryDelay=00:00:00.200");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);

        var ids = new List<string>();
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < 3; i++)
            {
                ids.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(10 + c), $"{c}/{i}")))["id"]!.GetValue<string>());
            }
        }

        foreach (var id in ids)
        {
            await client.WaitForStatusAsync(id, "read");
        }

        await receiver.WaitForAsync(received => received.Count >= 5, TimeSpan.FromSeconds(10)); // failing attempts
        using (var status = await client.GetAsync("/v1/webhook"))
        {
            var delivery = (await GatewayClient.ReadJsonAsync(status))["delivery"]!;
            Assert.Equal("HTTP 500", delivery["lastError"]!.GetValue<string>());
            Assert.True(delivery["pending"]!.GetValue<int>() > 0);
        }

        receiver.Mode = WebhookReceiverMode.Accept;
        var stream = await client.ReadEventsAsync();
        Assert.Equal(ids.Count * 4, stream.Count);
        var expected = stream.Select(e => e["id"]!.GetValue<string>()).ToHashSet();
        await receiver.WaitForAsync(
            received => expected.IsSubsetOf(received.Where(w => w.StatusCode == 204).Select(w => w.Id!)),
            TimeSpan.FromSeconds(20));

        // Per conversation, events are delivered in the order they happened (the stream's order).
        var delivered = receiver.Received.Where(w => w.StatusCode == 204).Select(w => JsonNode.Parse(w.BodyText)!).ToList();
        foreach (var conversation in stream.GroupBy(e => e["conversationId"]!.GetValue<string>()))
        {
            var happened = conversation.Select(e => e["id"]!.GetValue<string>()).ToList();
            var arrived = delivered.Where(e => e["conversationId"]!.GetValue<string>() == conversation.Key).Select(e => e["id"]!.GetValue<string>()).Distinct().ToList();
            Assert.Equal(happened, arrived);
        }
    }

    [Fact]
    public async Task Events_that_keep_failing_become_dead_letters_and_can_be_redelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Mode = WebhookReceiverMode.Fail;
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010",
            "--Webhooks:RetryWindow=00:00:00.500", "--Webhooks:BaseRetryDelay=00:00:00.050", "--Webhooks:MaxRetryDelay=00:00:00.100");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        var accepted = await client.SendAsync(GatewayClient.SandboxText(Customer(20), "x"));
        await client.WaitForStatusAsync(accepted["id"]!.GetValue<string>(), "read");

        JsonArray items = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                using var list = await client.GetAsync("/v1/webhook/dead-letters");
                items = (await GatewayClient.ReadJsonAsync(list))["items"]!.AsArray();
                return items.Count >= 4;
            },
            TimeSpan.FromSeconds(10),
            () => $"4 dead letters (there are {items.Count})");

        Assert.Equal(4, items.Count);
        Assert.All(items, item => Assert.Equal("HTTP 500", item!["reason"]!.GetValue<string>()));
        Assert.All(items, item => Assert.True(item!["attempts"]!.GetValue<int>() >= 2));

        receiver.Mode = WebhookReceiverMode.Accept;
        var deadId = items[0]!["id"]!.GetValue<string>();
        using var redeliver = await client.PostJsonAsync($"/v1/webhook/dead-letters/{deadId}/redeliver", "{}");
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await receiver.WaitForAsync(received => received.Any(w => w.Id == deadId && w.StatusCode == 204), TimeSpan.FromSeconds(10));

        using var again = await client.PostJsonAsync($"/v1/webhook/dead-letters/{deadId}/redeliver", "{}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var other = gateway.Client(TestTenants.GlobexKey);
        using var foreign = await other.PostJsonAsync($"/v1/webhook/dead-letters/{items[1]!["id"]}/redeliver", "{}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task A_slow_endpoint_of_one_tenant_does_not_slow_another()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        slow.Mode = WebhookReceiverMode.Slow;
        slow.SlowDelay = TimeSpan.FromSeconds(30);
        await using var fast = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010", "--Webhooks:RequestTimeout=00:00:30");
        using var acme = gateway.Client(TestTenants.AcmeKey);
        using var globex = gateway.Client(TestTenants.GlobexKey);
        await acme.ConfigureWebhookAsync(slow.Url, Secret);
        await globex.ConfigureWebhookAsync(fast.Url, Secret);
        for (var i = 0; i < 20; i++)
        {
            await acme.SendAsync(GatewayClient.SandboxText(Customer(100 + i), "traag"));
        }

        var started = DateTime.UtcNow;
        var accepted = await globex.SendAsync(GatewayClient.SandboxText(Customer(200), "snel"));
        await globex.WaitForStatusAsync(accepted["id"]!.GetValue<string>(), "read");
        await fast.WaitForAsync(received => received.Count >= 4, TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        var globexEvents = (await globex.ReadEventsAsync()).Select(e => e["id"]!.GetValue<string>()).ToList();
        Assert.All(fast.Received, w => Assert.Contains(w.Id!, globexEvents));
    }

    [Fact]
    public async Task The_event_stream_replays_from_any_cursor()
    {
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        var accepted = await client.SendAsync(GatewayClient.SandboxText(Customer(300), "x"));
        await client.WaitForStatusAsync(accepted["id"]!.GetValue<string>(), "read");

        // Read is the message's last receipt, and each event is stored with the status that causes
        // it: once the stream holds four events, nothing is left that could add one.
        List<JsonObject> all = [];
        await Eventually.HoldsAsync(
            async () => (all = await client.ReadEventsAsync()).Count >= 4,
            TimeSpan.FromSeconds(10),
            () => $"four events in the stream (it holds {all.Count})");
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Count, all.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());

        using var firstPage = await client.GetAsync("/v1/events?limit=1");
        var page = await GatewayClient.ReadJsonAsync(firstPage);
        Assert.Equal(all[0]["id"]!.GetValue<string>(), page["items"]![0]!["id"]!.GetValue<string>());
        using var rest = await client.GetAsync("/v1/events?after=" + page["nextCursor"]!.GetValue<string>());
        var restPage = await GatewayClient.ReadJsonAsync(rest);
        Assert.Equal(all.Skip(1).Select(e => e["id"]!.GetValue<string>()), restPage["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));

        using var end = await client.GetAsync("/v1/events?after=" + restPage["nextCursor"]!.GetValue<string>());
        var endPage = await GatewayClient.ReadJsonAsync(end);
        Assert.Empty(endPage["items"]!.AsArray());
        Assert.Equal(restPage["nextCursor"]!.GetValue<string>(), endPage["nextCursor"]!.GetValue<string>());

        using var other = gateway.Client(TestTenants.GlobexKey);
        Assert.Empty(await other.ReadEventsAsync());
    }
}
