using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// WhatsApp end to end against a fake Cloud API through the public API: the send's JSON, Meta's
/// signed status webhooks (duplicates, late, read without delivered) becoming one business event
/// each in order, customers' messages in the conversation the outbound opened, and signatures.
/// </summary>
public sealed class WhatsAppChannelTests
{
    private const string PhoneNumberId = "1122334455667";
    private const string Token = "EAAG-test-token-0001";
    private const string AppSecret = "app-secret-for-tests";
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public async Task A_message_goes_to_the_cloud_api_and_its_signed_statuses_come_back_once_each_in_order()
    {
        await using var meta = await FakeWhatsApp.StartAsync();
        meta.AddPhoneNumber(PhoneNumberId, Token);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        var webhook = await ConnectAsync(client, gateway);

        var sent = await client.SendAsync(GatewayClient.WhatsAppText("+31612345678", "Je bestelling is onderweg."));
        var id = sent["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => meta.Sends.Count == 1, TimeSpan.FromSeconds(20), "one send at the Cloud API");
        var handedOver = await client.WaitForHandOverAsync(id);
        var send = Assert.Single(meta.Sends);
        Assert.Equal("Bearer " + Token, send.Authorization);
        Assert.Equal("31612345678", send.Json!["to"]!.GetValue<string>());
        Assert.Equal("Je bestelling is onderweg.", send.Json!["text"]!["body"]!.GetValue<string>());
        Assert.Equal(send.Wamid, handedOver["providerMessageId"]!.GetValue<string>()); // the message shows the provider's id

        var delivered = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
        var read = delivered.AddSeconds(30);
        Assert.Equal(HttpStatusCode.OK, await meta.PostStatusAsync(webhook, AppSecret, send.Wamid!, "sent", delivered.AddSeconds(-5)));
        Assert.Equal(HttpStatusCode.OK, await meta.PostStatusAsync(webhook, AppSecret, send.Wamid!, "delivered", delivered));
        Assert.Equal(HttpStatusCode.OK, await meta.PostStatusAsync(webhook, AppSecret, send.Wamid!, "delivered", delivered)); // again, as Meta does
        Assert.Equal(HttpStatusCode.OK, await meta.PostStatusAsync(webhook, AppSecret, send.Wamid!, "read", read));
        Assert.Equal(HttpStatusCode.OK, await meta.PostStatusAsync(webhook, AppSecret, send.Wamid!, "delivered", delivered.AddSeconds(10))); // late, another device

        await client.WaitForStatusAsync(id, "read");
        var message = await ProviderChannelKit.WaitForHistoryAsync(client, id, h => h.Count(s => s!["status"]!.GetValue<string>() == "delivered") == 2, "the late delivered joins the history");
        var history = message["statusHistory"]!.AsArray();
        Assert.Contains(history, h => h!["status"]!.GetValue<string>() == "delivered" && DateTimeOffset.Parse(h["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) == delivered);
        Assert.Contains(history, h => h!["status"]!.GetValue<string>() == "read" && DateTimeOffset.Parse(h["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) == read);
        Assert.Equal(2, history.Count(h => h!["status"]!.GetValue<string>() == "delivered")); // the late one joins the history only
        Assert.Equal("read", message["status"]!.GetValue<string>());

        await receiver.WaitForAsync(r => r.Any(w => w.BodyText.Contains("\"read\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(20));
        var statuses = receiver.Received.Select(w => JsonNode.Parse(w.BodyText)!).Where(e => e["type"]!.GetValue<string>() == "message.status").Select(e => e["data"]!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(["queued", "sent", "delivered", "read"], statuses);
    }

    [Fact]
    public async Task Read_without_delivered_and_a_failure_code_from_meta_are_applied()
    {
        await using var meta = await FakeWhatsApp.StartAsync();
        meta.AddPhoneNumber(PhoneNumberId, Token);
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client();
        var webhook = await ConnectAsync(client, gateway);

        var first = (await client.SendAsync(GatewayClient.WhatsAppText("+31612345678", "een")))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => meta.Sends.Count == 1, TimeSpan.FromSeconds(20), "one send at the Cloud API");
        await client.WaitForHandOverAsync(first);
        await meta.PostStatusAsync(webhook, AppSecret, meta.Sends[0].Wamid!, "read", DateTimeOffset.UtcNow);
        await client.WaitForStatusAsync(first, "read");

        meta.FailNext(1, 131047); // more than 24 h since the customer's last message
        var second = (await client.SendAsync(GatewayClient.WhatsAppText("+31612345679", "twee")))["id"]!.GetValue<string>();
        var failed = await client.WaitForStatusAsync(second, "failed");
        Assert.Equal("131047", failed["statusHistory"]!.AsArray().Last()!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_customers_message_joins_the_conversation_the_outbound_opened()
    {
        await using var meta = await FakeWhatsApp.StartAsync();
        meta.AddPhoneNumber(PhoneNumberId, Token);
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client();
        var webhook = await ConnectAsync(client, gateway);
        var conversation = (await client.SendAsync(GatewayClient.WhatsAppText("+31612345678", "Wanneer mag de bezorger komen?")))["conversationId"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, await meta.PostInboundTextAsync(webhook, AppSecret, PhoneNumberId, "31612345678", "Morgen na 12 uur", "wamid.in-1"));
        Assert.Equal(HttpStatusCode.OK, await meta.PostInboundTextAsync(webhook, AppSecret, PhoneNumberId, "31612345678", "Morgen na 12 uur", "wamid.in-1")); // again

        await client.WaitForTimelineAsync(conversation, 2);
        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal(["outbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
        Assert.Equal("+31612345678", timeline[1]["from"]!.GetValue<string>());
        Assert.Equal("Morgen na 12 uur", timeline[1]["content"]!["text"]!.GetValue<string>());
        Assert.Single(await client.ReadEventsAsync(), e => e["type"]!.GetValue<string>() == "message.inbound");
    }

    [Fact]
    public async Task Bad_signatures_are_401_and_store_nothing_and_the_handshake_needs_the_verify_token()
    {
        await using var meta = await FakeWhatsApp.StartAsync();
        meta.AddPhoneNumber(PhoneNumberId, Token);
        await using var gateway = await StartAsync(meta);
        using var client = gateway.Client();
        var webhook = await ConnectAsync(client, gateway);
        var body = FakeWhatsApp.Envelope(FakeWhatsApp.InboundTextValue(PhoneNumberId, "31612345670", "vals", "wamid.forged", DateTimeOffset.UtcNow)).ToJsonString();

        using var anonymous = gateway.Client(apiKey: null);
        foreach (var signature in (string?[])[null, "sha256=00", "sha256=" + FakeWhatsApp.Sign(System.Text.Encoding.UTF8.GetBytes(body), "wrong-secret")[7..], FakeWhatsApp.Sign(System.Text.Encoding.UTF8.GetBytes(body + " "), AppSecret)])
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            if (signature is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
            }

            using var response = await anonymous.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Empty(await client.ReadEventsAsync());

        using var right = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=subscribe&hub.verify_token=verify-token-1&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("1158201444", await right.Content.ReadAsStringAsync());
        using var wrong = await anonymous.GetAsync(webhook.AbsolutePath + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    private static Task<InProcessGateway> StartAsync(FakeWhatsApp meta) =>
        InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null, $"--Channels:WhatsApp:ApiBaseUrl={meta.BaseAddress}", "--Sandbox:ReceiptDelay=00:00:00.010", "--Dispatch:SendRetryBaseDelay=00:00:00.010");

    /// <summary>Saves Acme's WhatsApp account; returns the webhook URL to give Meta.</summary>
    private static async Task<Uri> ConnectAsync(GatewayClient client, InProcessGateway gateway)
    {
        using var put = await client.PutJsonAsync("/v1/channels/whatsapp/accounts/acme-nl", $$"""
            { "sender": "+31850000000", "phoneNumberId": "{{PhoneNumberId}}", "accessToken": "{{Token}}", "appSecret": "{{AppSecret}}", "verifyToken": "verify-token-1" }
            """);
        var account = await GatewayClient.ReadJsonAsync(put);
        Assert.True(put.StatusCode == HttpStatusCode.OK, account.ToJsonString());
        return new Uri(account["webhookUrl"]!.GetValue<string>());
    }
}
