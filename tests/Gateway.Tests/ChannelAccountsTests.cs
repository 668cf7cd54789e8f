using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>How a tenant connects a real provider: accounts by channel, secrets never returned, one tenant per account id.</summary>
public sealed class ChannelAccountsTests : GatewayTest
{
    private const string WhatsApp = """{ "sender": "+31850000000", "phoneNumberId": "1122334455667", "accessToken": "EAAG-secret-token-1234", "appSecret": "app-secret-5678", "verifyToken": "verify-9012" }""";

    [Fact]
    public async Task An_account_is_saved_and_listed_without_its_secrets()
    {
        using var put = await Client.PutJsonAsync("/v1/channels/whatsapp/accounts/nl-main", WhatsApp);
        var saved = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.OK, saved);
        using var list = await Client.GetAsync("/v1/channels/accounts");
        var listed = await list.Content.ReadAsStringAsync();

        foreach (var text in (string[])[saved, listed])
        {
            Assert.DoesNotContain("EAAG-secret-token-1234", text, StringComparison.Ordinal);
            Assert.DoesNotContain("app-secret-5678", text, StringComparison.Ordinal);
            Assert.DoesNotContain("verify-9012", text, StringComparison.Ordinal);
        }

        var account = JsonNode.Parse(listed)!["items"]!.AsArray().Single()!;
        Assert.Equal("+31850000000", account["sender"]!.GetValue<string>());
        Assert.Equal("…1234", account["settings"]!["accessToken"]!.GetValue<string>());
        Assert.Equal("1122334455667", account["settings"]!["phoneNumberId"]!.GetValue<string>());
        Assert.Equal(Gateway.BaseAddress + "webhooks/whatsapp/nl-main", account["webhookUrl"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("whatsapp", "nl-main", """{ "sender": "+31850000000", "phoneNumberId": "1" }""", "accessToken")]
    [InlineData("whatsapp", "nl-main", """{ "sender": "12", "phoneNumberId": "1", "accessToken": "a", "appSecret": "b", "verifyToken": "c" }""", "sender")]
    [InlineData("telegram", "bot", """{ "sender": "shop_bot", "botToken": "123:abc" }""", "secretToken")]
    [InlineData("sms", "cm", """{ "sender": "Webshop", "provider": "twilio", "productToken": "x" }""", "provider")]
    [InlineData("whatsapp", "has space", WhatsApp, "accountId")]
    [InlineData("whatsapp", "nl-main", """{ "sender": "+31850000000", "phoneNumberId": 1122, "accessToken": "a", "appSecret": "b", "verifyToken": "c" }""", "phoneNumberId")]
    public async Task Accounts_missing_what_their_channel_needs_are_refused_by_field(string channel, string accountId, string body, string field)
    {
        using var response = await Client.PutJsonAsync($"/v1/channels/{channel}/accounts/{Uri.EscapeDataString(accountId)}", body);

        var problem = await GatewayClient.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToJsonString());
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task An_account_id_belongs_to_one_tenant_per_channel_and_can_be_deleted()
    {
        using (var mine = await Client.PutJsonAsync("/v1/channels/whatsapp/accounts/shared-id", WhatsApp))
        {
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        }

        using var globex = Gateway.Client(TestTenants.GlobexKey);
        using (var theirs = await globex.PutJsonAsync("/v1/channels/whatsapp/accounts/shared-id", WhatsApp))
        {
            Assert.Equal(HttpStatusCode.Conflict, theirs.StatusCode);
        }

        using (var notTheirs = await globex.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/channels/whatsapp/accounts/shared-id")))
        {
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        }

        using (var deleted = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/channels/whatsapp/accounts/shared-id")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var list = await Client.GetAsync("/v1/channels/accounts");
        Assert.Empty((await GatewayClient.ReadJsonAsync(list))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_cm_account_gets_an_unguessable_webhook_url_shown_whole_only_when_saved()
    {
        using var put = await Client.PutJsonAsync("/v1/channels/sms/accounts/cm-nl", """{ "sender": "Webshop", "provider": "cm", "productToken": "00000000-1111-2222-3333-444444444444" }""");
        var url = (await GatewayClient.ReadJsonAsync(put))["webhookUrl"]!.GetValue<string>();
        Assert.Matches("/webhooks/sms/cm-nl\\?token=[0-9a-f]{48}$", url);

        using var list = await Client.GetAsync("/v1/channels/accounts");
        var listed = (await GatewayClient.ReadJsonAsync(list))["items"]![0]!["webhookUrl"]!.GetValue<string>();
        Assert.EndsWith("?token=…" + url[^4..], listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_without_the_sandbox_needs_an_account_for_a_real_channel_send()
    {
        using var initech = Gateway.Client(TestTenants.InitechKey);
        using (var refused = await initech.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31612345678", "Hallo")))
        {
            var problem = await GatewayClient.ReadJsonAsync(refused);
            Assert.True(refused.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToJsonString());
            Assert.Contains("no whatsapp account", problem["errors"]!["from"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var batch = await initech.PostJsonAsync("/v1/messages/batch", "{\"messages\":[" + GatewayClient.WhatsAppText("+31612345678", "a") + "]}"))
        {
            Assert.Equal(422, (await GatewayClient.ReadJsonAsync(batch))["results"]![0]!["error"]!["status"]!.GetValue<int>());
        }

        using (var put = await initech.PutJsonAsync("/v1/channels/whatsapp/accounts/initech-nl", WhatsApp))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await initech.SendAsync(GatewayClient.WhatsAppText("+31612345678", "Hallo"));
    }

    [Fact]
    public async Task Webhooks_for_unknown_accounts_are_404()
    {
        using var anonymous = Gateway.Client(apiKey: null);
        using var post = await anonymous.PostJsonAsync("/webhooks/whatsapp/nobody", "{}");
        using var handshake = await anonymous.GetAsync("/webhooks/whatsapp/nobody?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1");
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, handshake.StatusCode);
    }
}
