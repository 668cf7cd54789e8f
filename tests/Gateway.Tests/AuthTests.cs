using System.Net;

namespace MessagingGateway.Gateway.Tests;

public sealed class AuthTests : GatewayTest
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mgw_acme_wrongsecretwrongsecret")]
    [InlineData("mgw_nobody_Kq3v9TzL0pWc7xYb2NdR")]
    [InlineData("Kq3v9TzL0pWc7xYb2NdR")]
    [InlineData("mgw_acme_Kq3v9TzL0pWc7xYb2NdRx")]
    [InlineData("mgw_acme_")]
    public async Task Missing_or_unknown_keys_are_401(string? key)
    {
        using var client = Gateway.Client(key);
        using var send = await client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31612345678", "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, send.StatusCode);
        Assert.Equal("application/problem+json", send.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Bearer", send.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var read = await client.GetAsync("/v1/messages/01a207ba-315a-7f7d-87fa-b31008283cc1");
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
    }

    [Fact]
    public async Task Basic_scheme_is_401()
    {
        using var client = Gateway.Client(apiKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/messages/01a207ba-315a-7f7d-87fa-b31008283cc1");
        request.Headers.Authorization = new("Basic", Convert.ToBase64String("acme:x"u8));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_message_and_conversation_are_404()
    {
        using var acme = Gateway.Client(TestTenants.AcmeKey);
        using var globex = Gateway.Client(TestTenants.GlobexKey);
        var accepted = await acme.SendAsync(GatewayClient.WhatsAppText("+31612345678", "alleen voor acme"));
        var messageId = accepted["id"]!.GetValue<string>();
        var conversationId = accepted["conversationId"]!.GetValue<string>();
        await acme.WaitForTimelineAsync(conversationId, 1);

        foreach (var path in new[] { $"/v1/messages/{messageId}", $"/v1/conversations/{conversationId}", $"/v1/conversations/{conversationId}/messages" })
        {
            using var own = await acme.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            using var foreign = await globex.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            var body = await foreign.Content.ReadAsStringAsync();
            Assert.DoesNotContain("acme", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Same_parties_in_two_tenants_are_two_conversations()
    {
        using var acme = Gateway.Client(TestTenants.AcmeKey);
        using var globex = Gateway.Client(TestTenants.GlobexKey);
        var a = await acme.SendAsync(GatewayClient.WhatsAppText("+31612345670", "a"));
        var g = await globex.SendAsync(GatewayClient.WhatsAppText("+31612345670", "g"));
        Assert.NotEqual(a["conversationId"]!.GetValue<string>(), g["conversationId"]!.GetValue<string>());
    }
}
