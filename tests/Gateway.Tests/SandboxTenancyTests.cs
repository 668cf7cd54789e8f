using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// The sandbox handsets belong to a tenant: its API key reads and replies, another tenant sees
/// another handset under the same number, and tenants without the sandbox have none.
/// </summary>
public sealed class SandboxTenancyTests : GatewayTest
{
    private const string Customer = "+31612345601";

    [Fact]
    public async Task Without_a_key_the_handsets_answer_401()
    {
        await Client.SendAsync(GatewayClient.SandboxText(Customer, "Je bestelling is onderweg."));
        using var anonymous = Gateway.Client(apiKey: null);

        using var list = await anonymous.GetAsync($"/sandbox/handsets/{Customer}/messages");
        using var reply = await anonymous.PostJsonAsync($"/sandbox/handsets/{Customer}/reply", """{ "text": "refund to NL00EVIL" }""");

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_tenant_can_neither_read_nor_reply_into_a_handset_it_never_messaged()
    {
        var sent = await Client.SendAsync(GatewayClient.SandboxText(Customer, "Je bestelling is onderweg."));
        var conversationId = sent["conversationId"]!.GetValue<string>();
        await Client.WaitForStatusAsync(sent["id"]!.GetValue<string>(), "sent");
        using var globex = Gateway.Client(TestTenants.GlobexKey);

        Assert.Empty(await globex.HandsetInboxAsync(Customer));
        using var reply = await globex.PostJsonAsync($"/sandbox/handsets/{Customer}/reply", """{ "text": "refund to NL00EVIL" }""");
        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);

        // Acme's conversation holds only what Acme sent, and no forged inbound event.
        var timeline = await Client.ReadTimelineAsync(conversationId);
        Assert.Single(timeline);
        Assert.DoesNotContain(await Client.ReadEventsAsync(), e => e["type"]!.GetValue<string>() == "message.inbound");
    }

    [Fact]
    public async Task The_same_number_under_two_tenants_is_two_handsets_and_each_reply_stays_with_its_tenant()
    {
        using var globex = Gateway.Client(TestTenants.GlobexKey);
        var acmeSent = await Client.SendAsync(GatewayClient.SandboxText(Customer, "Acme: uw pakket"));
        var globexSent = await globex.SendAsync(GatewayClient.SandboxText(Customer, "Globex: uw pakket"));
        await Client.WaitForStatusAsync(acmeSent["id"]!.GetValue<string>(), "sent");
        await globex.WaitForStatusAsync(globexSent["id"]!.GetValue<string>(), "sent");

        var acmeInbox = await Client.HandsetInboxAsync(Customer);
        var globexInbox = await globex.HandsetInboxAsync(Customer);
        Assert.Equal([acmeSent["id"]!.GetValue<string>()], acmeInbox.Select(m => m["messageId"]!.GetValue<string>()));
        Assert.Equal([globexSent["id"]!.GetValue<string>()], globexInbox.Select(m => m["messageId"]!.GetValue<string>()));

        // Globex messaged last, but Acme's reply still joins Acme's conversation.
        using var acmeReply = await Client.PostJsonAsync($"/sandbox/handsets/{Customer}/reply", """{ "text": "Voor Acme" }""");
        Assert.Equal(HttpStatusCode.Accepted, acmeReply.StatusCode);
        var reply = await GatewayClient.ReadJsonAsync(acmeReply);
        Assert.Equal(acmeSent["conversationId"]!.GetValue<string>(), reply["conversationId"]!.GetValue<string>());

        await Client.WaitForTimelineAsync(acmeSent["conversationId"]!.GetValue<string>(), 2);
        var globexTimeline = await globex.ReadTimelineAsync(globexSent["conversationId"]!.GetValue<string>());
        Assert.Equal(["outbound"], globexTimeline.Select(m => m["direction"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_tenant_without_the_sandbox_has_no_handsets_and_cannot_send_on_the_sandbox_channel()
    {
        using var initech = Gateway.Client(TestTenants.InitechKey);

        using var list = await initech.GetAsync($"/sandbox/handsets/{Customer}/messages");
        using var reply = await initech.PostJsonAsync($"/sandbox/handsets/{Customer}/reply", """{ "text": "hallo" }""");
        using var send = await initech.PostJsonAsync("/v1/messages", GatewayClient.SandboxText(Customer, "test"));

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, send.StatusCode);
        var problem = await GatewayClient.ReadJsonAsync(send);
        Assert.Contains("sandbox", problem["errors"]!["channel"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_is_a_tenant_setting_not_a_consequence_of_the_listen_address()
    {
        // Tenants without "sandbox" get none even on loopback; the demo tenant has it by default.
        using var folder = new TempDirectory();
        await using var app = Hosting.GatewayHost.Build(["--urls", "http://127.0.0.1:0", "--data-dir", Path.Combine(folder.Path, "data"), "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        using var demo = new GatewayClient(new Uri(app.Urls.First()), "mgw_demo_4f9c2e7a1b5d8c3e6f0a");
        var sent = await demo.SendAsync(GatewayClient.SandboxText(Customer, "demo"));
        await demo.WaitForStatusAsync(sent["id"]!.GetValue<string>(), "sent");
        Assert.Single(await demo.HandsetInboxAsync(Customer));
        await app.StopAsync();
    }
}
