using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static MessagingGateway.Gateway.Tests.ProviderChannelKit;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Instagram end to end against the fake Send API (channels.md section 2, <c>object: instagram</c>):
/// the send's JSON with the token of the IG account, <c>messaging_seen</c> reads (Instagram has no
/// delivery event) posted twice and late becoming one event each in order, Meta's refusal code,
/// customers' texts and quick replies (the buttons we sent, coming back by id) in the conversation
/// the outbound opened, signatures and the handshake.
/// </summary>
public sealed class InstagramChannelTests
{
    private const string IgId = "17841400000000001";
    private const string Token = "EAAI-ig-page-token-0001";
    private const string AppSecret = "instagram-app-secret";
    private const string VerifyToken = "instagram-verify-1";
    private const string Igsid = "1289374619283746";

    [Fact]
    public async Task A_message_goes_to_the_send_api_and_seen_receipts_come_back_once_each_in_order()
    {
        await using var meta = await StartFakeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);

        var id = (await client.SendAsync(Text("instagram", IgId, Igsid, "Je bestelling is onderweg.")))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => meta.Sends.Count == 1, Patience, "one send at the Send API");
        await client.WaitForHandOverAsync(id);
        var send = Assert.Single(meta.Sends);
        Assert.Equal(IgId, send.PageId); // POST /{IG_ID}/messages
        Assert.Equal("Bearer " + Token, send.Authorization);
        Assert.DoesNotContain(Token, send.Query, StringComparison.Ordinal);
        Assert.Equal(Igsid, send.Json!["recipient"]!["id"]!.GetValue<string>());
        Assert.Equal("RESPONSE", send.Json["messaging_type"]!.GetValue<string>());
        Assert.Equal("Je bestelling is onderweg.", send.Json["message"]!["text"]!.GetValue<string>());
        await client.WaitForStatusAsync(id, "sent"); // the Send API's answer: Instagram posts no sent and no delivery

        var seen = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        Assert.Equal(HttpStatusCode.OK, await meta.PostSeenAsync(webhook, AppSecret, IgId, Igsid, send.MessageId!, seen));
        Assert.Equal(HttpStatusCode.OK, await meta.PostSeenAsync(webhook, AppSecret, IgId, Igsid, send.MessageId!, seen)); // again
        Assert.Equal(HttpStatusCode.OK, await meta.PostSeenAsync(webhook, AppSecret, IgId, Igsid, send.MessageId!, seen.AddSeconds(-20))); // late: an earlier seen on another device

        await client.WaitForStatusAsync(id, "read");
        var message = await WaitForHistoryAsync(client, id, h => h.Count(s => s!["status"]!.GetValue<string>() == "read") == 2, "the late seen joins the history");
        Assert.Equal([seen, seen.AddSeconds(-20)], Entries(message, "read").Select(At));
        Assert.Equal("read", message["status"]!.GetValue<string>());

        await WaitForStatusEventAsync(receiver, id, "read");
        Assert.Equal(["queued", "sent", "read"], StatusEvents(receiver, id));
        Assert.Equal(seen, At(Events(receiver, "message.status").Single(e => e["data"]!["status"]!.GetValue<string>() == "read")["data"]!));
    }

    [Fact]
    public async Task A_refusal_outside_the_window_shows_metas_code()
    {
        await using var meta = await StartFakeAsync();
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client(TestTenants.InitechKey);
        await ConnectAsync(client);

        meta.FailNext(1, 10, subcode: 2018278); // outside the allowed window
        var id = (await client.SendAsync(Text("instagram", IgId, Igsid, "Nog interesse?")))["id"]!.GetValue<string>();
        var failed = await client.WaitForStatusAsync(id, "failed");
        Assert.Equal("10", failed["statusHistory"]!.AsArray().Last()!["code"]!.GetValue<string>());
        Assert.Empty(Entries(failed, "sent"));
    }

    [Fact]
    public async Task A_customers_text_and_the_quick_reply_we_offered_join_the_conversation_once_each()
    {
        await using var meta = await StartFakeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);

        var offer = new JsonObject
        {
            ["channel"] = "instagram",
            ["from"] = IgId,
            ["to"] = Igsid,
            ["content"] = new JsonObject
            {
                ["type"] = "interactive",
                ["body"] = "Wanneer bezorgen?",
                ["buttons"] = new JsonArray(new JsonObject { ["id"] = "slot-mon", ["title"] = "Maandag" }, new JsonObject { ["id"] = "slot-tue", ["title"] = "Dinsdag" }),
            },
        };
        var conversation = (await client.SendAsync(offer.ToJsonString()))["conversationId"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => meta.Sends.Count == 1, Patience, "one send at the Send API");
        Assert.Equal(
            """{"text":"Wanneer bezorgen?","quick_replies":[{"content_type":"text","title":"Maandag","payload":"slot-mon"},{"content_type":"text","title":"Dinsdag","payload":"slot-tue"}]}""",
            meta.Sends[0].Json!["message"]!.ToJsonString());

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await meta.PostTextAsync(webhook, AppSecret, IgId, Igsid, "Liefst na 12 uur", "aWdfIN-text"));
            Assert.Equal(HttpStatusCode.OK, await meta.PostQuickReplyAsync(webhook, AppSecret, IgId, Igsid, "Dinsdag", "slot-tue", "aWdfIN-quick"));
        }

        Assert.Equal(HttpStatusCode.OK, await meta.PostTextAsync(webhook, AppSecret, IgId, Igsid, "Dank je", "aWdfIN-last")); // after all of them
        await client.WaitForTimelineAsync(conversation, 4);
        await Eventually.HoldsAsync(() => Events(receiver, "message.inbound").Count == 3, Patience, "three message.inbound events");

        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal(["outbound", "inbound", "inbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
        Assert.Equal(["Liefst na 12 uur", "Dinsdag", "Dank je"], timeline.Skip(1).Select(m => m["content"]!["text"]!.GetValue<string>()));
        Assert.Equal("slot-tue", timeline[2]["content"]!["parameters"]![0]!.GetValue<string>());
        Assert.All(timeline.Skip(1), m => Assert.Equal("instagram", m["channel"]!.GetValue<string>()));
        Assert.All(Events(receiver, "message.inbound"), e => Assert.Equal(conversation, e["conversationId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unsigned_forged_or_altered_posts_and_messenger_posts_store_nothing_and_the_handshake_needs_the_verify_token()
    {
        await using var meta = await StartFakeAsync();
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client(TestTenants.InitechKey);
        var webhook = await ConnectAsync(client);
        using var anonymous = gateway.Client(apiKey: null);

        var forged = Encoding.UTF8.GetBytes(meta.Envelope(IgId, FakeMessenger.TextEvent(IgId, Igsid, "vals", "aWdfForged", DateTimeOffset.UtcNow)).ToJsonString());
        var signature = FakeMessenger.Sign(forged, AppSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, forged, ("X-Hub-Signature-256", "sha256=" + new string('0', 64))));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, forged, ("X-Hub-Signature-256", FakeMessenger.Sign(forged, "messenger-app-secret"))));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, OneByteChanged(forged, "vals"), ("X-Hub-Signature-256", signature)));

        // Signed right, but a Messenger post (object "page"): not Instagram's to read.
        meta.WebhookObject = "page";
        Assert.Equal(HttpStatusCode.OK, await meta.PostTextAsync(webhook, AppSecret, IgId, Igsid, "voor de pagina", "m_page"));
        meta.WebhookObject = "instagram";
        Assert.Empty(await client.ReadEventsAsync());

        Assert.Equal(HttpStatusCode.OK, await meta.PostTextAsync(webhook, AppSecret, IgId, Igsid, "echt", "aWdfReal"));
        await Eventually.HoldsAsync(async () => (await client.ReadEventsAsync()).Count == 1, Patience, "the signed message's event");
        var only = Assert.Single(await client.ReadEventsAsync());
        Assert.Equal("echt", Assert.Single(await client.ReadTimelineAsync(only["conversationId"]!.GetValue<string>()))["content"]!["text"]!.GetValue<string>());

        using var right = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=subscribe&hub.verify_token=" + VerifyToken + "&hub.challenge=2099");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("2099", await right.Content.ReadAsStringAsync());
        using var wrong = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=subscribe&hub.verify_token=messenger-verify-1&hub.challenge=2099");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    private static async Task<FakeMessenger> StartFakeAsync()
    {
        var meta = await FakeMessenger.StartAsync();
        meta.AddPage(IgId, Token);
        meta.WebhookObject = "instagram";
        return meta;
    }

    private static Task<InProcessGateway> StartAsync(FakeMessenger meta) =>
        InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null, $"--Channels:Messenger:ApiBaseUrl={meta.BaseAddress}", "--Dispatch:SendRetryBaseDelay=00:00:00.010");

    /// <summary>Saves Initech's Instagram account; returns the webhook URL to give Meta.</summary>
    private static async Task<Uri> ConnectAsync(GatewayClient client)
    {
        var account = await PutAccountAsync(client, "instagram", "ig-nl", new JsonObject
        {
            ["sender"] = IgId,
            ["pageAccessToken"] = Token,
            ["appSecret"] = AppSecret,
            ["verifyToken"] = VerifyToken,
        }.ToJsonString());
        return new Uri(account["webhookUrl"]!.GetValue<string>());
    }
}
