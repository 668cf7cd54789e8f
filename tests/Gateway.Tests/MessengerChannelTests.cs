using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static MessagingGateway.Gateway.Tests.ProviderChannelKit;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Messenger end to end against a fake Send API through the public API (channels.md section 2):
/// the send's JSON with the page token, Meta's signed deliveries and watermark reads (duplicates,
/// late ones) becoming one business event each in order, a refusal's code, customers' messages,
/// quick replies and postbacks in the conversation the outbound opened, signatures and the handshake.
/// </summary>
public sealed class MessengerChannelTests
{
    private const string PageId = "104857600";
    private const string PageToken = "EAAP-page-token-0001";
    private const string AppSecret = "messenger-app-secret";
    private const string VerifyToken = "messenger-verify-1";
    private const string Psid = "2455137414574013";
    private const string OtherPsid = "2455137414574099";

    [Fact]
    public async Task A_message_goes_to_the_send_api_and_signed_deliveries_and_a_read_come_back_once_each_in_order()
    {
        await using var messenger = await FakeMessenger.StartAsync();
        messenger.AddPage(PageId, PageToken);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(messenger);
        using var client = gateway.Client(TestTenants.InitechKey); // no sandbox: only the account can carry it
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);

        var id = (await client.SendAsync(Text("messenger", PageId, Psid, "Je bestelling is onderweg.")))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => messenger.Sends.Count == 1, Patience, "one send at the Send API");
        await client.WaitForHandOverAsync(id);
        var send = Assert.Single(messenger.Sends);
        Assert.Equal(PageId, send.PageId);
        Assert.Equal("Bearer " + PageToken, send.Authorization);
        Assert.DoesNotContain(PageToken, send.Query, StringComparison.Ordinal); // never in a URL
        Assert.Equal(Psid, send.Json!["recipient"]!["id"]!.GetValue<string>());
        Assert.Equal("RESPONSE", send.Json["messaging_type"]!.GetValue<string>());
        Assert.Equal("Je bestelling is onderweg.", send.Json["message"]!["text"]!.GetValue<string>());
        var mid = send.MessageId!;

        // Meta posts no "sent": the Send API's answer is it. The read's watermark is Meta's clock
        // and covers what was handed over by then, so the times here are taken after that.
        await client.WaitForStatusAsync(id, "sent");
        var delivered = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var read = delivered.AddSeconds(3);
        Assert.Equal(HttpStatusCode.OK, await messenger.PostDeliveryAsync(webhook, AppSecret, PageId, Psid, [mid], delivered));
        Assert.Equal(HttpStatusCode.OK, await messenger.PostDeliveryAsync(webhook, AppSecret, PageId, Psid, [mid], delivered)); // again, as Meta does
        Assert.Equal(HttpStatusCode.OK, await messenger.PostReadAsync(webhook, AppSecret, PageId, Psid, delivered.AddSeconds(2), read)); // a watermark, no mid
        Assert.Equal(HttpStatusCode.OK, await messenger.PostDeliveryAsync(webhook, AppSecret, PageId, Psid, [mid], delivered.AddSeconds(1))); // late, another device

        await client.WaitForStatusAsync(id, "read");
        var message = await WaitForHistoryAsync(client, id, h => h.Count(s => s!["status"]!.GetValue<string>() == "delivered") == 2, "the late delivery joins the history");
        Assert.Equal("read", message["status"]!.GetValue<string>());
        Assert.Equal([delivered, delivered.AddSeconds(1)], Entries(message, "delivered").Select(At));
        Assert.Equal(read, At(Assert.Single(Entries(message, "read"))));
        Assert.Single(Entries(message, "sent"));

        await WaitForStatusEventAsync(receiver, id, "read");
        Assert.Equal(["queued", "sent", "delivered", "read"], StatusEvents(receiver, id));
    }

    [Fact]
    public async Task A_read_watermark_at_metas_stamp_of_the_last_message_read_reads_it_and_the_earlier_ones_and_not_what_came_after()
    {
        await using var messenger = await FakeMessenger.StartAsync();
        messenger.AddPage(PageId, PageToken);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(messenger);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);

        var first = (await client.SendAsync(Text("messenger", PageId, Psid, "een")))["id"]!.GetValue<string>();
        var second = (await client.SendAsync(Text("messenger", PageId, Psid, "twee")))["id"]!.GetValue<string>();
        var otherCustomers = (await client.SendAsync(Text("messenger", PageId, OtherPsid, "voor iemand anders")))["id"]!.GetValue<string>();
        foreach (var id in (string[])[first, second, otherCustomers])
        {
            await client.WaitForStatusAsync(id, "sent");
        }

        // Meta's watermark is its own stamp of the last message read: here, when the fake took the second.
        var watermark = DateTimeOffset.FromUnixTimeMilliseconds(messenger.Sends.Single(s => s.Json!["message"]!["text"]!.GetValue<string>() == "twee").ReceivedAt.ToUnixTimeMilliseconds());
        await Eventually.HoldsAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > watermark.ToUnixTimeMilliseconds(), Patience, "the clock passed the watermark");
        var third = (await client.SendAsync(Text("messenger", PageId, Psid, "drie")))["id"]!.GetValue<string>();
        await client.WaitForStatusAsync(third, "sent");
        var thirdMid = messenger.Sends.Single(s => s.Json!["message"]!["text"]!.GetValue<string>() == "drie").MessageId!;

        var readAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(HttpStatusCode.OK, await messenger.PostReadAsync(webhook, AppSecret, PageId, Psid, watermark, readAt));
        Assert.Equal(HttpStatusCode.OK, await messenger.PostReadAsync(webhook, AppSecret, PageId, Psid, watermark, readAt)); // again, as Meta does

        // The conversation's posts are applied in order: once the third is delivered, the reads before it were applied.
        Assert.Equal(HttpStatusCode.OK, await messenger.PostDeliveryAsync(webhook, AppSecret, PageId, Psid, [thirdMid], readAt));
        await WaitForHistoryAsync(client, third, h => h.Any(s => s!["status"]!.GetValue<string>() == "delivered"), "the third's delivery applied");
        foreach (var id in (string[])[first, second])
        {
            var message = await GetMessageAsync(client, id);
            Assert.Equal("read", message["status"]!.GetValue<string>());
            Assert.Equal(readAt, At(Assert.Single(Entries(message, "read"))));
        }

        Assert.Empty(Entries(await GetMessageAsync(client, third), "read")); // handed over after the watermark
        Assert.Equal("sent", (await GetMessageAsync(client, otherCustomers))["status"]!.GetValue<string>()); // another customer's conversation

        // A later watermark covers the third as well; the first two are read already and stay as they are.
        Assert.Equal(HttpStatusCode.OK, await messenger.PostReadAsync(webhook, AppSecret, PageId, Psid, readAt.AddSeconds(5), readAt.AddSeconds(6)));
        await client.WaitForStatusAsync(third, "read");
        await WaitForStatusEventAsync(receiver, third, "read");
        Assert.Equal(["queued", "sent", "read"], StatusEvents(receiver, first));
        Assert.Equal(["queued", "sent", "read"], StatusEvents(receiver, second));
        Assert.Equal(["queued", "sent", "delivered", "read"], StatusEvents(receiver, third));
        Assert.Single(Entries(await GetMessageAsync(client, first), "read"));
        Assert.Equal(["queued", "sent"], StatusEvents(receiver, otherCustomers));
    }

    [Fact]
    public async Task A_refusal_shows_metas_code_and_a_rate_limit_is_tried_again()
    {
        await using var messenger = await FakeMessenger.StartAsync();
        messenger.AddPage(PageId, PageToken);
        await using var gateway = await StartAsync(messenger);
        using var client = gateway.Client(TestTenants.InitechKey);
        await ConnectAsync(client);

        messenger.FailNext(1, 551, subcode: 1545041); // this person isn't available right now
        var refused = (await client.SendAsync(Text("messenger", PageId, Psid, "een")))["id"]!.GetValue<string>();
        var failed = await client.WaitForStatusAsync(refused, "failed");
        Assert.Equal("551", failed["statusHistory"]!.AsArray().Last()!["code"]!.GetValue<string>());
        Assert.Equal("551", failed["statusCode"]!.GetValue<string>());

        messenger.FailNext(1, 613, httpStatus: 400); // calls to this API have exceeded the rate limit
        var limited = (await client.SendAsync(Text("messenger", PageId, Psid, "twee")))["id"]!.GetValue<string>();
        await client.WaitForStatusAsync(limited, "sent");
        Assert.Equal([400, 200], messenger.Sends.Where(s => s.Json!["message"]!["text"]!.GetValue<string>() == "twee").Select(s => s.StatusCode));
    }

    [Fact]
    public async Task Customers_texts_quick_replies_and_postbacks_join_the_conversation_the_outbound_opened_once_each()
    {
        await using var messenger = await FakeMessenger.StartAsync();
        messenger.AddPage(PageId, PageToken);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(messenger);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);
        var conversation = (await client.SendAsync(Text("messenger", PageId, Psid, "Wanneer mag de bezorger komen?")))["conversationId"]!.GetValue<string>();

        for (var i = 0; i < 2; i++)
        {
            // Each posted twice, as Meta does when our answer is slow.
            Assert.Equal(HttpStatusCode.OK, await messenger.PostTextAsync(webhook, AppSecret, PageId, Psid, "Morgen na 12 uur", "m_in_text"));
            Assert.Equal(HttpStatusCode.OK, await messenger.PostQuickReplyAsync(webhook, AppSecret, PageId, Psid, "Ja", "DELIVERY_YES", "m_in_quick"));
            Assert.Equal(HttpStatusCode.OK, await messenger.PostPostbackAsync(webhook, AppSecret, PageId, Psid, "Bestelling volgen", "TRACK_ORDER", "m_in_postback"));
        }

        // Meta echoes our own sends to the page's webhook: not a customer's message.
        var echo = FakeMessenger.TextEvent(PageId, Psid, "Wanneer mag de bezorger komen?", "m_echo", DateTimeOffset.UtcNow);
        echo["sender"]!["id"] = PageId;
        echo["recipient"]!["id"] = Psid;
        echo["message"]!["is_echo"] = true;
        Assert.Equal(HttpStatusCode.OK, await messenger.PostRawAsync(webhook, AppSecret, messenger.Envelope(PageId, echo).ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, await messenger.PostTextAsync(webhook, AppSecret, PageId, Psid, "Dank je", "m_in_last")); // after all of them

        await client.WaitForTimelineAsync(conversation, 5);
        await Eventually.HoldsAsync(() => Events(receiver, "message.inbound").Count == 4, Patience, "four message.inbound events");
        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal(["outbound", "inbound", "inbound", "inbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
        Assert.All(timeline.Skip(1), m => Assert.Equal(Psid, m["from"]!.GetValue<string>()));
        Assert.Equal(["Morgen na 12 uur", "Ja", "Bestelling volgen", "Dank je"], timeline.Skip(1).Select(m => m["content"]!["text"]!.GetValue<string>()));
        Assert.Equal("DELIVERY_YES", timeline[2]["content"]!["parameters"]![0]!.GetValue<string>());
        Assert.Equal("TRACK_ORDER", timeline[3]["content"]!["parameters"]![0]!.GetValue<string>());

        var inbound = Events(receiver, "message.inbound");
        Assert.All(inbound, e => Assert.Equal(conversation, e["conversationId"]!.GetValue<string>()));
        Assert.Equal(["Morgen na 12 uur", "Ja", "Bestelling volgen", "Dank je"], inbound.Select(e => e["data"]!["content"]!["text"]!.GetValue<string>()));
        Assert.Equal(4, (await client.ReadEventsAsync()).Count(e => e["type"]!.GetValue<string>() == "message.inbound"));
    }

    [Fact]
    public async Task The_same_post_arriving_several_times_at_once_is_stored_once()
    {
        await using var messenger = await FakeMessenger.StartAsync();
        messenger.AddPage(PageId, PageToken);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(messenger);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);
        var sent = await client.SendAsync(Text("messenger", PageId, Psid, "Hoe was je bestelling?"));
        var id = sent["id"]!.GetValue<string>();
        await client.WaitForStatusAsync(id, "sent");
        var mid = messenger.Sends[0].MessageId!;

        // Meta's duplicates can come close together (channels.md section 6, item 1): five of each at the same moment.
        var delivered = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var reply = messenger.Envelope(PageId, FakeMessenger.TextEvent(PageId, Psid, "Prima!", "m_in_burst", delivered)).ToJsonString();
        var delivery = messenger.Envelope(PageId, FakeMessenger.DeliveryEvent(PageId, Psid, [mid], delivered)).ToJsonString();
        var posts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => messenger.PostRawAsync(webhook, AppSecret, i % 2 == 0 ? reply : delivery)));
        Assert.All(posts, status => Assert.Equal(HttpStatusCode.OK, status));

        var conversation = sent["conversationId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await messenger.PostTextAsync(webhook, AppSecret, PageId, Psid, "Dank je", "m_in_after")); // after all of them
        await client.WaitForTimelineAsync(conversation, 3);
        await Eventually.HoldsAsync(() => Events(receiver, "message.inbound").Count == 2, Patience, "two message.inbound events");
        Assert.Equal(["Hoe was je bestelling?", "Prima!", "Dank je"], (await client.ReadTimelineAsync(conversation)).Select(m => m["content"]!["text"]!.GetValue<string>()));
        Assert.Single(Entries(await GetMessageAsync(client, id), "delivered"));
        Assert.Equal(["queued", "sent", "delivered"], StatusEvents(receiver, id));
    }

    [Fact]
    public async Task Unsigned_forged_or_altered_posts_are_401_and_store_nothing_and_the_handshake_needs_the_verify_token()
    {
        await using var messenger = await FakeMessenger.StartAsync();
        messenger.AddPage(PageId, PageToken);
        await using var gateway = await StartAsync(messenger);
        using var client = gateway.Client(TestTenants.InitechKey);
        var webhook = await ConnectAsync(client);
        using var anonymous = gateway.Client(apiKey: null);

        var forged = Encoding.UTF8.GetBytes(messenger.Envelope(PageId, FakeMessenger.TextEvent(PageId, Psid, "vals", "m_forged", DateTimeOffset.UtcNow)).ToJsonString());
        var signature = FakeMessenger.Sign(forged, AppSecret);
        (string Name, string Value)[][] attempts =
        [
            [], // missing
            [("X-Hub-Signature-256", "sha256=00")], // not a signature
            [("X-Hub-Signature-256", "garbage")],
            [("X-Hub-Signature-256", FakeMessenger.Sign(forged, "wrong-app-secret"))], // another app's secret
            [("X-Hub-Signature-256", "sha1=" + signature["sha256=".Length..])], // the wrong scheme
            [("X-Hub-Signature", signature)], // the right value under the legacy header only
        ];
        foreach (var headers in attempts)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, forged, headers));
        }

        // Signed, then changed by one byte on the way.
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, OneByteChanged(forged, "vals"), ("X-Hub-Signature-256", signature)));

        // Rightly signed but for an account that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(anonymous, new Uri(webhook, "/webhooks/messenger/no-such-page"), forged, ("X-Hub-Signature-256", signature)));
        Assert.Empty(await client.ReadEventsAsync());

        // The real one is stored, and is the only thing in the conversation.
        Assert.Equal(HttpStatusCode.OK, await messenger.PostTextAsync(webhook, AppSecret, PageId, Psid, "echt", "m_real"));
        await Eventually.HoldsAsync(async () => (await client.ReadEventsAsync()).Count == 1, Patience, "the signed message's event");
        var only = Assert.Single(await client.ReadEventsAsync());
        Assert.Equal("echt", only["data"]!["content"]!["text"]!.GetValue<string>());
        var timeline = await client.ReadTimelineAsync(only["conversationId"]!.GetValue<string>());
        Assert.Equal("echt", Assert.Single(timeline)["content"]!["text"]!.GetValue<string>());

        using var right = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=subscribe&hub.verify_token=" + VerifyToken + "&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("1158201444", await right.Content.ReadAsStringAsync());
        using var wrong = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        using var unsubscribe = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=unsubscribe&hub.verify_token=" + VerifyToken + "&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.Forbidden, unsubscribe.StatusCode);
    }

    private static Task<InProcessGateway> StartAsync(FakeMessenger messenger) =>
        InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null, $"--Channels:Messenger:ApiBaseUrl={messenger.BaseAddress}", "--Dispatch:SendRetryBaseDelay=00:00:00.010");

    /// <summary>Saves Initech's Messenger page; returns the webhook URL to give Meta.</summary>
    private static async Task<Uri> ConnectAsync(GatewayClient client)
    {
        var account = await PutAccountAsync(client, "messenger", "page-nl", new JsonObject
        {
            ["sender"] = PageId,
            ["pageAccessToken"] = PageToken,
            ["appSecret"] = AppSecret,
            ["verifyToken"] = VerifyToken,
        }.ToJsonString());
        return new Uri(account["webhookUrl"]!.GetValue<string>());
    }
}
