using System.Text.Json.Nodes;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Dispatch.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

public class DispatchTests : GatewayTest
{
    protected override bool StartsSharedGateway => false;

    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static string Customer(int n) => "+316" + (12_000_000 + n);

    [Fact]
    public async Task A_message_reaches_the_handset_and_is_read_with_every_status_once_and_signed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.030");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);

        var accepted = await client.SendAsync(GatewayClient.SandboxText(Customer(1), "Je bestelling is onderweg."));
        var id = accepted["id"]!.GetValue<string>();
        var message = await client.WaitForStatusAsync(id, "read");
        Assert.Equal(["accepted", "queued", "sent", "delivered", "read"], message["statusHistory"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3, 4, 5], message["statusHistory"]!.AsArray().Select(s => s!["seq"]!.GetValue<int>()));

        var inbox = await client.HandsetInboxAsync(Customer(1));
        Assert.Equal(id, Assert.Single(inbox)["messageId"]!.GetValue<string>());
        Assert.Equal("Je bestelling is onderweg.", inbox[0]["content"]!["text"]!.GetValue<string>());

        await receiver.WaitForAsync(received => received.Count >= 4, TimeSpan.FromSeconds(10));
        var statuses = new List<string>();
        var secret = ParseSecret(Secret);
        foreach (var webhook in receiver.Received)
        {
            Assert.True(WebhookSignature.Verify(secret, webhook.Id!, webhook.UnixTimestamp!.Value, webhook.Body, webhook.Signature!), "signature must verify");
            var body = JsonNode.Parse(webhook.BodyText)!.AsObject();
            Assert.Equal(webhook.Id, body["id"]!.GetValue<string>());
            Assert.Equal("message.status", body["type"]!.GetValue<string>());
            Assert.Equal(accepted["conversationId"]!.GetValue<string>(), body["conversationId"]!.GetValue<string>());
            statuses.Add(body["data"]!["status"]!.GetValue<string>());
        }

        Assert.Equal(["queued", "sent", "delivered", "read"], statuses);
    }

    [Fact]
    public async Task Every_conversation_arrives_in_send_order_on_few_partitions()
    {
        await using var gateway = await StartGatewayAsync("--partitions", "2", "--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        const int conversations = 24;
        const int perConversation = 12;
        var sent = await Task.WhenAll(Enumerable.Range(0, conversations).Select(async c =>
        {
            var ids = new List<string>();
            for (var i = 0; i < perConversation; i++)
            {
                ids.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(100 + c), $"{c}/{i}")))["id"]!.GetValue<string>());
            }

            return (Address: Customer(100 + c), Ids: ids);
        }));

        foreach (var (address, ids) in sent)
        {
            await client.WaitForStatusAsync(ids[^1], "read");
            var inbox = await client.HandsetInboxAsync(address);
            Assert.Equal(ids, inbox.Select(m => m["messageId"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_conversation_stuck_on_an_unreachable_handset_does_not_hold_back_others()
    {
        var stuck = Customer(200);
        await using var gateway = await StartGatewayAsync(
            "--partitions", "1", $"--Sandbox:UnreachableAddresses:0={stuck}", "--Sandbox:ReceiptDelay=00:00:00.010",
            "--Dispatch:SendRetryBaseDelay=00:00:00.050", "--Dispatch:MaxSendAttempts=1000");
        using var client = gateway.Client();
        var blocked = await client.SendAsync(GatewayClient.SandboxText(stuck, "komt niet aan"));
        var behind = await client.SendAsync(GatewayClient.SandboxText(stuck, "ook niet"));

        // One partition: every other conversation shares it with the stuck one.
        var others = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            others.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(201 + i), "wel")))["id"]!.GetValue<string>());
        }

        foreach (var id in others)
        {
            await client.WaitForStatusAsync(id, "read");
        }

        using var first = await client.GetAsync($"/v1/messages/{blocked["id"]}");
        Assert.Equal("queued", (await GatewayClient.ReadJsonAsync(first))["status"]!.GetValue<string>());
        using var second = await client.GetAsync($"/v1/messages/{behind["id"]}");
        Assert.Equal("accepted", (await GatewayClient.ReadJsonAsync(second))["status"]!.GetValue<string>()); // waits its turn
        Assert.Empty(await client.HandsetInboxAsync(stuck));
    }

    [Fact]
    public async Task A_refusing_handset_fails_the_message_with_a_reason_and_the_next_one_goes()
    {
        var refusing = Customer(300);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync($"--Sandbox:RejectingAddresses:0={refusing}");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        var rejected = await client.SendAsync(GatewayClient.SandboxText(refusing, "nee"));
        var message = await client.WaitForStatusAsync(rejected["id"]!.GetValue<string>(), "failed");
        Assert.Equal("sandbox_rejected", message["statusCode"]!.GetValue<string>());
        await receiver.WaitForAsync(
            received => received.Any(w => w.BodyText.Contains("\"failed\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10));
        var failed = receiver.Received.Select(w => JsonNode.Parse(w.BodyText)!).Single(b => b["data"]!["status"]!.GetValue<string>() == "failed");
        Assert.Equal("sandbox_rejected", failed["data"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Receipts_out_of_order_never_move_a_status_backwards()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync("--Sandbox:ReverseReceipts=true", "--Sandbox:ReceiptDelay=00:00:00.020");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        var accepted = await client.SendAsync(GatewayClient.SandboxText(Customer(400), "achterstevoren"));
        var id = accepted["id"]!.GetValue<string>();

        // read arrives first, then delivered and sent: both only join the history (written with any event they cause).
        JsonObject? message = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                message = await client.WaitForStatusAsync(id, "read");
                return message["statusHistory"]!.AsArray().Count >= 5;
            },
            TimeSpan.FromSeconds(10),
            "all three receipts in the history");

        Assert.Equal("read", message!["status"]!.GetValue<string>());
        Assert.Equal(["accepted", "queued", "read", "delivered", "sent"], message["statusHistory"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()));
        var events = await client.ReadEventsAsync();
        Assert.Equal(["queued", "read"], events.Select(e => e["data"]!["status"]!.GetValue<string>()));
        await receiver.WaitForAsync(received => received.Count >= 2, TimeSpan.FromSeconds(10));
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task A_handset_reply_is_an_inbound_message_on_the_same_conversation()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        var outbound = await client.SendAsync(GatewayClient.SandboxText(Customer(500), "Wanneer mogen we bezorgen?"));
        var conversationId = outbound["conversationId"]!.GetValue<string>();
        await client.WaitForStatusAsync(outbound["id"]!.GetValue<string>(), "read");

        using var handset = gateway.Client();
        using var reply = await handset.PostJsonAsync($"/sandbox/handsets/{Customer(500)}/reply", """{ "text": "Morgen graag" }""");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, reply.StatusCode);
        var inboundId = (await GatewayClient.ReadJsonAsync(reply))["id"]!.GetValue<string>();

        await client.WaitForTimelineAsync(conversationId, 2);
        var timeline = await client.ReadTimelineAsync(conversationId);
        Assert.Equal(["outbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
        Assert.Equal(inboundId, timeline[1]["id"]!.GetValue<string>());
        Assert.Equal(Customer(500), timeline[1]["from"]!.GetValue<string>());

        await receiver.WaitForAsync(received => received.Any(w => w.BodyText.Contains("message.inbound", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        var inbound = receiver.Received.First(w => w.BodyText.Contains("message.inbound", StringComparison.Ordinal));
        Assert.True(WebhookSignature.Verify(ParseSecret(Secret), inbound.Id!, inbound.UnixTimestamp!.Value, inbound.Body, inbound.Signature!));
        var body = JsonNode.Parse(inbound.BodyText)!;
        Assert.Equal("Morgen graag", body["data"]!["content"]!["text"]!.GetValue<string>());
        Assert.Equal(conversationId, body["conversationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_handset_without_messages_cannot_reply()
    {
        await using var gateway = await StartGatewayAsync();
        using var handset = gateway.Client();
        using var reply = await handset.PostJsonAsync($"/sandbox/handsets/{Customer(600)}/reply", """{ "text": "Hallo?" }""");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, reply.StatusCode);
        using var empty = await handset.PostJsonAsync($"/sandbox/handsets/{Customer(600)}/reply", """{ "text": "" }""");
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, empty.StatusCode);
    }

    [Fact]
    public async Task Flaky_sends_are_retried_until_they_go_and_never_arrive_twice()
    {
        // Half the sends fail: with the default 12 attempts one message in 4,096 ends `failed`
        // (retries exhausted, after about 20 s of backoff), which this test is not about.
        await using var gateway = await StartGatewayAsync(
            "--Sandbox:TransientFailureRate=0.5", "--Sandbox:ReceiptDelay=00:00:00.010", "--Dispatch:SendRetryBaseDelay=00:00:00.010",
            "--Dispatch:SendRetryMaxDelay=00:00:00.050", "--Dispatch:MaxSendAttempts=60");
        using var client = gateway.Client();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(700), $"poging {i}")))["id"]!.GetValue<string>());
        }

        await client.WaitForStatusAsync(ids[^1], "read");
        Assert.Equal(ids, (await client.HandsetInboxAsync(Customer(700))).Select(m => m["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Receipts_for_unknown_messages_are_kept_as_orphans_and_counted()
    {
        await using var gateway = await StartGatewayAsync();
        var log = gateway.Services.GetRequiredService<IMessageLog>();
        var ledger = gateway.Services.GetRequiredService<IDeliveryLedger>();
        var receipt = new StatusReceipt(Guid.CreateVersion7(), "acme", "cnv_0123456789abcdef0123456789abcdef", MessageStatus.Delivered, DateTimeOffset.UtcNow);
        var record = new LogRecord(LogEnvelopeCodec.EncodeKey(receipt.ConversationId), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForReceipt(receipt)));
        await log.AppendAsync(record);
        await log.AppendAsync(record); // a provider's duplicate

        // Both copies are processed once the counter has seen them; only then can the ledger's single orphan be judged.
        using var anonymous = gateway.Client(apiKey: null);
        await Eventually.HoldsAsync(async () => await OrphansCountedAsync(anonymous) >= 2, TimeSpan.FromSeconds(10), "both receipts counted as orphans");
        Assert.Equal(1, await ledger.CountOrphansAsync());
    }

    /// <summary>The orphaned-receipt counter, where operators look: the Prometheus endpoint.</summary>
    private static async Task<long> OrphansCountedAsync(GatewayClient anonymous)
    {
        using var metrics = await anonymous.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("mgw_receipts_orphaned_total", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static WebhookSecret ParseSecret(string text) =>
        WebhookSecret.TryParse(text, out var secret, out var error) ? secret : throw new ArgumentException(error);
}
