using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// SMS through CM.com end to end against their fakes, through the public
/// API: an account, a send the fake receives in its own format, and what the provider posts back
/// (a customer's message, a status), verified its own way.
/// </summary>
public sealed class ProviderChannelsTests
{
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
