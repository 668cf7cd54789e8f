using System.Net;
using System.Text.Json.Nodes;
using MessagingGateway.Core.Store;
using MessagingGateway.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Once the log append is durable the messages are accepted: a store write failing after it
/// must not turn the answer into an error (the client would retry into a duplicate). The answer
/// is 202 with the ids, a retry with the same key replays them, and dispatch delivers each
/// message once and writes the rows the request could not.
/// </summary>
public class AcceptAfterAppendTests : GatewayTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    protected override bool StartsSharedGateway => false;

    [Theory]
    [InlineData(StoreWrite.MessageRows, false)]
    [InlineData(StoreWrite.MessageRows, true)]
    [InlineData(StoreWrite.IdempotencyRecord, false)]
    [InlineData(StoreWrite.IdempotencyRecord, true)]
    public async Task A_store_write_failing_after_the_append_answers_202_and_a_retry_replays_the_same_ids(StoreWrite fails, bool batch)
    {
        var log = new CapturedLog();
        await using var gateway = await StartAsync(fails, log);
        using var client = gateway.Client();
        var customer = Customer(fails, batch);
        var path = batch ? "/v1/messages/batch" : "/v1/messages";
        var body = batch
            ? "{\"messages\":[" + GatewayClient.SandboxText(customer, "een") + "," + GatewayClient.SandboxText(customer, "twee") + "]}"
            : GatewayClient.SandboxText(customer, "een");
        var key = $"after-append-{fails}-{batch}";

        using var first = await client.PostJsonAsync(path, body, idempotencyKey: key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.Accepted, $"{(int)first.StatusCode}: {firstBody}");
        Assert.Equal(1, Store(gateway).Failures);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var ids = AcceptedIds(firstBody, batch);
        Assert.Equal(batch ? 2 : 1, ids.Count);
        if (!batch)
        {
            Assert.Equal($"/v1/messages/{ids[0]}", first.Headers.Location!.OriginalString);
        }

        foreach (var id in ids)
        {
            await AssertFoundAsync(client, id);
        }

        using var retry = await client.PostJsonAsync(path, body, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);

        await AssertDeliveredOnceAsync(client, customer, ids);
        Assert.Contains(log.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal) && line.Contains(ExpectedEvent(fails), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_key_a_failed_row_write_after_the_append_is_a_202_and_the_message_goes_once()
    {
        await using var gateway = await StartAsync(StoreWrite.MessageRows, new CapturedLog());
        using var client = gateway.Client();
        const string customer = "+31699100009";

        var accepted = await client.SendAsync(GatewayClient.SandboxText(customer, "zonder sleutel"));
        Assert.Equal(1, Store(gateway).Failures);
        var id = accepted["id"]!.GetValue<string>();

        await AssertFoundAsync(client, id);
        await AssertDeliveredOnceAsync(client, customer, [id]);
    }

    /// <summary>The rows the request could not write are dispatch's to write: a read finds the message soon after.</summary>
    private static Task AssertFoundAsync(GatewayClient client, string id) =>
        Eventually.HoldsAsync(
            async () =>
            {
                using var read = await client.GetAsync($"/v1/messages/{id}");
                return read.StatusCode == HttpStatusCode.OK;
            },
            Timeout,
            $"GET /v1/messages/{id} answering 200");

    [Fact]
    public async Task A_payment_whose_idempotency_record_fails_is_still_201_and_a_retry_replays_it()
    {
        var log = new CapturedLog();
        await using var gateway = await StartAsync(StoreWrite.IdempotencyRecord, log);
        using var client = gateway.Client();
        const string customer = "+31699100010";
        var sent = await client.SendAsync(GatewayClient.SandboxText(customer, "je bestelling"));
        var (opened, conversation) = (sent["id"]!.GetValue<string>(), sent["conversationId"]!.GetValue<string>());
        const string Body = """{ "amount": { "currency": "EUR", "value": "12.50" }, "description": "Order G-7007" }""";

        using var first = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body, "pay-G-7007");
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.Created, $"{(int)first.StatusCode}: {firstBody}");
        Assert.Equal(1, Store(gateway).Failures);

        using var retry = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body, "pay-G-7007");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());

        var link = JsonNode.Parse(firstBody)!["messageId"]!.GetValue<string>();
        await AssertDeliveredOnceAsync(client, customer, [opened, link]);
        Assert.Contains(log.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal) && line.Contains(ExpectedEvent(StoreWrite.IdempotencyRecord), StringComparison.Ordinal));
    }

    /// <summary>
    /// The handset got exactly these messages, once each. A later message to the same handset is
    /// a barrier: it shares the conversation, so dispatch handles it after anything appended
    /// before it (a second copy included).
    /// </summary>
    private static async Task AssertDeliveredOnceAsync(GatewayClient client, string customer, List<string> ids)
    {
        var barrier = (await client.SendAsync(GatewayClient.SandboxText(customer, "daarna")))["id"]!.GetValue<string>();
        List<JsonObject> inbox = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                inbox = await client.HandsetInboxAsync(customer);
                return inbox.Exists(m => m["messageId"]!.GetValue<string>() == barrier);
            },
            Timeout,
            $"the barrier message reaching {customer}");

        Assert.Equal([.. ids, barrier], inbox.Select(m => m["messageId"]!.GetValue<string>()));
        var conversationId = inbox[0]["conversationId"]!.GetValue<string>();
        Assert.Equal([.. ids, barrier], (await client.ReadTimelineAsync(conversationId)).Select(m => m["id"]!.GetValue<string>()));
    }

    private static List<string> AcceptedIds(string body, bool batch)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        return batch
            ? [.. json["results"]!.AsArray().Select(result => result!["id"]!.GetValue<string>())]
            : [json["id"]!.GetValue<string>()];
    }

    private static string ExpectedEvent(StoreWrite fails) => fails == StoreWrite.MessageRows ? "[1003]" : "[1004]";

    private static string Customer(StoreWrite fails, bool batch) => $"+316991000{(int)fails}{(batch ? 1 : 0)}";

    private static FailingConversationStore Store(InProcessGateway gateway) =>
        (FailingConversationStore)gateway.Services.GetRequiredService<IConversationStore>();

    private Task<InProcessGateway> StartAsync(StoreWrite fails, CapturedLog log) =>
        InProcessGateway.StartAsync(
            null,
            services =>
            {
                services.AddSingleton<IConversationStore>(sp => new FailingConversationStore(sp.GetRequiredService<EmbeddedStorage>().Store, fails));
                services.AddSingleton<ILoggerProvider>(log);
            },
            [.. TransportArgs, "--Sandbox:ReceiptDelay=00:00:00.010"]);
}
