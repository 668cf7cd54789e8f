using System.Net;
using System.Text.Json.Nodes;
using static MessagingGateway.Gateway.Tests.ProviderChannelKit;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// SMS through CM.com end to end against a fake Business Messaging API through the public API
/// (channels.md section 4a): the send's JSON with the product token and our id as
/// <c>reference</c>, CM's status reports (duplicates, batches, out of order) becoming one business
/// event each in order with CM's times, refusals and failed reports with CM's codes, customers'
/// SMS (MO) in the conversation the outbound opened, and only posts with the account's URL token
/// counting (CM signs nothing).
/// </summary>
public sealed class CmSmsChannelTests
{
    private const string ProductToken = "00000000-1111-2222-3333-444444444444";
    private const string Customer = "+31612345678";
    private const string CustomerAtCm = "0031612345678";

    [Fact]
    public async Task An_sms_goes_to_cm_and_its_status_reports_come_back_once_each_in_order_with_cms_times()
    {
        await using var cm = await StartFakeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(cm);
        using var client = gateway.Client(TestTenants.InitechKey); // no sandbox: only the account can carry it
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);

        var id = (await client.SendAsync(Text("sms", "Webshop", Customer, "Uw pakket komt morgen.")))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => cm.Sends.Count == 1, Patience, "one send at CM");
        await client.WaitForHandOverAsync(id);
        var send = Assert.Single(cm.Sends);
        Assert.Equal(ProductToken, send.HeaderToken); // X-CM-PRODUCTTOKEN
        var messages = send.Json!["messages"]!;
        Assert.Equal(ProductToken, messages["authentication"]!["producttoken"]!.GetValue<string>());
        var msg = Assert.Single(messages["msg"]!.AsArray())!;
        Assert.Equal("Webshop", msg["from"]!.GetValue<string>());
        Assert.Equal(CustomerAtCm, Assert.Single(msg["to"]!.AsArray())!["number"]!.GetValue<string>()); // 00 and the country code, no +
        Assert.Equal("auto", msg["body"]!["type"]!.GetValue<string>());
        Assert.Equal("Uw pakket komt morgen.", msg["body"]!["content"]!.GetValue<string>());
        Assert.Equal(["SMS"], msg["allowedChannels"]!.AsArray().Select(c => c!.GetValue<string>()));
        var reference = msg["reference"]!.GetValue<string>();
        Assert.Equal(Guid.Parse(id), Guid.ParseExact(reference, "N")); // CM gives no id: ours travels as the reference

        var accepted = new DateTimeOffset(2026, 5, 1, 10, 0, 2, TimeSpan.Zero); // CM's "received", whole seconds, UTC
        var delivered = accepted.AddSeconds(5);
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 0, CustomerAtCm, accepted));
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 2, CustomerAtCm, delivered));
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 2, CustomerAtCm, delivered)); // again
        Assert.Equal(HttpStatusCode.OK, await cm.PostRawAsync(webhook, FakeCm.StatusBatchPayload( // both again in one post
            FakeCm.StatusReport(reference, 0, CustomerAtCm, accepted),
            FakeCm.StatusReport(reference, 2, CustomerAtCm, delivered))));

        await client.WaitForStatusAsync(id, "delivered");
        var barrier = (await client.SendAsync(Text("sms", "Webshop", Customer, "Tot morgen.")))["id"]!.GetValue<string>();
        await client.WaitForStatusAsync(barrier, "queued"); // the conversation's records are applied in order: the reports before it are done
        var message = await GetMessageAsync(client, id);
        Assert.Equal(accepted, At(Assert.Single(Entries(message, "sent"))));
        Assert.Equal(delivered, At(Assert.Single(Entries(message, "delivered"))));
        Assert.Equal("delivered", message["status"]!.GetValue<string>());

        await WaitForStatusEventAsync(receiver, id, "delivered");
        Assert.Equal(["queued", "sent", "delivered"], StatusEvents(receiver, id));
    }

    [Fact]
    public async Task A_delivery_report_before_the_accepted_one_is_not_undone_by_it()
    {
        await using var cm = await StartFakeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(cm);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);

        var id = (await client.SendAsync(Text("sms", "Webshop", Customer, "Uw code is 1234")))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => cm.Sends.Count == 1, Patience, "one send at CM");
        await client.WaitForHandOverAsync(id);
        var reference = cm.Sends[0].Reference!;

        var accepted = new DateTimeOffset(2026, 5, 1, 10, 0, 2, TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 2, CustomerAtCm, accepted.AddSeconds(4)));
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 0, CustomerAtCm, accepted)); // the earlier report, late

        var message = await WaitForHistoryAsync(client, id, h => h.Any(s => s!["status"]!.GetValue<string>() == "sent"), "the late accepted report joins the history");
        Assert.Equal("delivered", message["status"]!.GetValue<string>());
        Assert.Equal(accepted, At(Assert.Single(Entries(message, "sent"))));
        await WaitForStatusEventAsync(receiver, id, "delivered");
        var barrier = (await client.SendAsync(Text("sms", "Webshop", Customer, "Tot morgen.")))["id"]!.GetValue<string>();
        await WaitForStatusEventAsync(receiver, barrier, "queued"); // events of one conversation arrive in order
        Assert.Equal(["queued", "delivered"], StatusEvents(receiver, id));
    }

    [Fact]
    public async Task Refusals_and_failed_reports_show_cms_codes_and_a_passing_error_is_tried_again()
    {
        await using var cm = await StartFakeAsync();
        await using var gateway = await StartAsync(cm);
        using var client = gateway.Client(TestTenants.InitechKey);
        var webhook = await ConnectAsync(client);

        cm.RejectNext(1, 401, "Spam filtered"); // 200 with errorCode 201 and the message Rejected
        var spam = (await client.SendAsync(Text("sms", "Webshop", Customer, "WIN WIN WIN")))["id"]!.GetValue<string>();
        Assert.Equal("401", (await client.WaitForStatusAsync(spam, "failed"))["statusHistory"]!.AsArray().Last()!["code"]!.GetValue<string>());

        cm.FailNext(1, 101, 400, "No account found for the given authentication");
        var unauthorized = (await client.SendAsync(Text("sms", "Webshop", "+31612345679", "een")))["id"]!.GetValue<string>();
        Assert.Equal("101", (await client.WaitForStatusAsync(unauthorized, "failed"))["statusCode"]!.GetValue<string>());

        cm.FailNext(1, 500, 500); // internal: the same message may go later
        var retried = (await client.SendAsync(Text("sms", "Webshop", "+31612345670", "twee")))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => cm.Sends.Count(s => s.To == "0031612345670" && s.StatusCode == 200) == 1, Patience, "the second attempt accepted");
        Assert.Equal([500, 200], cm.Sends.Where(s => s.To == "0031612345670").Select(s => s.StatusCode));

        // Accepted, then the handset never got it: CM's report says failed, with its error code.
        var reference = cm.Sends.Last(s => s.To == "0031612345670").Reference!;
        var at = new DateTimeOffset(2026, 5, 1, 10, 0, 2, TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 0, "0031612345670", at));
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 3, "0031612345670", at.AddMinutes(1), errorCode: "9", errorDescription: "Message undeliverable"));
        var failed = await client.WaitForStatusAsync(retried, "failed");
        var last = failed["statusHistory"]!.AsArray().Last()!;
        Assert.Equal("9", last["code"]!.GetValue<string>());
        Assert.Equal(at.AddMinutes(1), At(last));
    }

    [Fact]
    public async Task A_customers_sms_joins_the_conversation_the_outbound_opened_once()
    {
        await using var cm = await StartFakeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(cm);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = await ConnectAsync(client);
        var conversation = (await client.SendAsync(Text("sms", "Webshop", Customer, "Wanneer mogen we bezorgen?")))["conversationId"]!.GetValue<string>();

        var reference = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, await cm.PostInboundAsync(webhook, Customer, "Morgen na 12 uur", reference: reference));
        Assert.Equal(HttpStatusCode.OK, await cm.PostInboundAsync(webhook, Customer, "Morgen na 12 uur", reference: reference)); // again, as CM retries

        // Another CM channel's MO on the same URL is not an SMS.
        Assert.Equal(HttpStatusCode.OK, await cm.PostRawAsync(webhook, FakeCm.InboundPayload(Guid.NewGuid().ToString(), Customer, "3669", "via WhatsApp", DateTimeOffset.UtcNow, channel: "WhatsApp")));
        Assert.Equal(HttpStatusCode.OK, await cm.PostInboundAsync(webhook, CustomerAtCm, "Dank u", reference: Guid.NewGuid().ToString())); // CM's 00 form, after all of them

        await client.WaitForTimelineAsync(conversation, 3);
        await Eventually.HoldsAsync(() => Events(receiver, "message.inbound").Count == 2, Patience, "two message.inbound events");
        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal(["outbound", "inbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
        Assert.All(timeline.Skip(1), m => Assert.Equal(Customer, m["from"]!.GetValue<string>()));
        Assert.Equal(["Morgen na 12 uur", "Dank u"], timeline.Skip(1).Select(m => m["content"]!["text"]!.GetValue<string>()));
        Assert.All(Events(receiver, "message.inbound"), e => Assert.Equal(conversation, e["conversationId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Only_posts_with_the_accounts_url_token_count_and_the_rest_store_nothing()
    {
        await using var cm = await StartFakeAsync();
        cm.AddProductToken("99999999-1111-2222-3333-444444444444");
        await using var gateway = await StartAsync(cm);
        using var client = gateway.Client(TestTenants.InitechKey);
        var webhook = await ConnectAsync(client);
        var other = new Uri((await PutAccountAsync(client, "sms", "cm-be", """{ "sender": "Winkel", "provider": "cm", "productToken": "99999999-1111-2222-3333-444444444444" }"""))["webhookUrl"]!.GetValue<string>());
        using var anonymous = gateway.Client(apiKey: null);

        var token = System.Web.HttpUtility.ParseQueryString(webhook.Query)["token"]!;
        var otherToken = System.Web.HttpUtility.ParseQueryString(other.Query)["token"]!;
        Assert.NotEqual(token, otherToken);
        var path = webhook.GetLeftPart(UriPartial.Path);
        var mo = System.Text.Encoding.UTF8.GetBytes(FakeCm.InboundPayload(Guid.NewGuid().ToString(), Customer, "3669", "vals", DateTimeOffset.UtcNow));
        foreach (var forged in (string[])[path, path + "?token=", path + "?token=not-the-token", path + "?token=" + otherToken, path + "?token=" + OneCharacterOff(token), path + "?token=" + token.ToUpperInvariant()])
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, new Uri(forged), mo));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, new Uri(path), mo, ("X-CM-PRODUCTTOKEN", ProductToken))); // not a header, nor the product token
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, new Uri(path), mo, ("token", token)));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(anonymous, new Uri(new Uri(path), "/webhooks/sms/no-such-account?token=" + token), mo));
        Assert.Empty(await client.ReadEventsAsync());

        // The token is shown whole only when saving: the list shows its end, and saving again keeps the URL.
        using var list = await client.GetAsync("/v1/channels/accounts");
        Assert.DoesNotContain(token, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(webhook, await ConnectAsync(client));

        Assert.Equal(HttpStatusCode.OK, await cm.PostInboundAsync(webhook, Customer, "echt"));
        await Eventually.HoldsAsync(async () => (await client.ReadEventsAsync()).Count == 1, Patience, "the real MO's event");
        var only = Assert.Single(await client.ReadEventsAsync());
        Assert.Equal("echt", Assert.Single(await client.ReadTimelineAsync(only["conversationId"]!.GetValue<string>()))["content"]!["text"]!.GetValue<string>());
    }

    private static string OneCharacterOff(string token) => token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

    private static async Task<FakeCm> StartFakeAsync()
    {
        var cm = await FakeCm.StartAsync();
        cm.AddProductToken(ProductToken);
        return cm;
    }

    private static Task<InProcessGateway> StartAsync(FakeCm cm) =>
        InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null, $"--Channels:Cm:ApiBaseUrl={cm.BaseAddress}", "--Dispatch:SendRetryBaseDelay=00:00:00.010");

    /// <summary>Saves Initech's CM account; returns the webhook URL (with its token) to give CM.</summary>
    private static async Task<Uri> ConnectAsync(GatewayClient client)
    {
        var account = await PutAccountAsync(client, "sms", "cm-nl", new JsonObject
        {
            ["sender"] = "Webshop",
            ["provider"] = "cm",
            ["productToken"] = ProductToken,
        }.ToJsonString());
        return new Uri(account["webhookUrl"]!.GetValue<string>());
    }
}
