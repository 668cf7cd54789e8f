using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Telegram and SMS through CM.com end to end against their fakes, through the public
/// API: an account, a send the fake receives in its own format, and what the provider posts back
/// (a customer's message, a status), verified its own way.
/// </summary>
public sealed class ProviderChannelsTests
{
    [Fact]
    public async Task Telegram_sends_through_the_bot_api_and_a_customers_reply_arrives_with_the_secret_token()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot("123456:bot-token");
        var port = GatewayProcess.FreePort();
        await using var gateway = await InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null,
            "--urls", $"http://127.0.0.1:{port}", $"--Payments:PublicBaseUrl=http://127.0.0.1:{port}/", $"--Channels:Telegram:ApiBaseUrl={telegram.BaseAddress}");
        using var client = gateway.Client(TestTenants.InitechKey); // no sandbox: it must use the account
        using var put = await client.PutJsonAsync("/v1/channels/telegram/accounts/shop-bot", """{ "sender": "shop_bot", "botToken": "123456:bot-token", "secretToken": "tg-secret-1" }""");
        var account = await GatewayClient.ReadJsonAsync(put);
        Assert.True(put.StatusCode == HttpStatusCode.OK, account.ToJsonString());
        Assert.Equal("registered", account["webhookRegistration"]!.GetValue<string>());
        var webhook = new Uri(account["webhookUrl"]!.GetValue<string>());

        var sent = await client.SendAsync("""{"channel":"telegram","from":"shop_bot","to":"987654321","content":{"type":"text","text":"Je pakket is onderweg"}}""");
        await Eventually.HoldsAsync(() => telegram.Sends.Count == 1, TimeSpan.FromSeconds(20), "one send at the provider");
        Assert.Equal("Je pakket is onderweg", telegram.Sends[0].Json!["text"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Unauthorized, await telegram.PostTextUpdateAsync(webhook, "wrong-secret", 987654321, "vals"));
        Assert.Equal(HttpStatusCode.OK, await telegram.PostTextUpdateAsync(webhook, "tg-secret-1", 987654321, "Dank je!"));
        var conversation = sent["conversationId"]!.GetValue<string>();
        await client.WaitForTimelineAsync(conversation, 2);
        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal("Dank je!", timeline[1]["content"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sms_goes_through_cm_and_its_status_reports_count_only_with_the_accounts_token()
    {
        await using var cm = await FakeCm.StartAsync();
        cm.AddProductToken("00000000-1111-2222-3333-444444444444");
        await using var gateway = await InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null, $"--Channels:Cm:ApiBaseUrl={cm.BaseAddress}");
        using var client = gateway.Client(TestTenants.InitechKey);
        using var put = await client.PutJsonAsync("/v1/channels/sms/accounts/cm-nl", """{ "sender": "Webshop", "provider": "cm", "productToken": "00000000-1111-2222-3333-444444444444" }""");
        var webhook = new Uri((await GatewayClient.ReadJsonAsync(put))["webhookUrl"]!.GetValue<string>());

        var id = (await client.SendAsync("""{"channel":"sms","from":"Webshop","to":"+31612345678","content":{"type":"text","text":"Uw pakket komt morgen."}}"""))["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => cm.Sends.Count == 1, TimeSpan.FromSeconds(20), "one send at the provider");
        var reference = cm.Sends[0].Reference!;

        var forged = new Uri(webhook.GetLeftPart(UriPartial.Path) + "?token=not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, await cm.PostStatusAsync(forged, reference, 2));
        Assert.Equal(HttpStatusCode.OK, await cm.PostStatusAsync(webhook, reference, 2));
        await client.WaitForStatusAsync(id, "delivered");
    }
}
