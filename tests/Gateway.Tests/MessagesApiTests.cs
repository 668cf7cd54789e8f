using System.Net;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

public class MessagesApiTests : GatewayTest
{
    [Fact]
    public async Task Send_returns_202_with_id_location_and_the_message_reads_back()
    {
        const string body = """
            { "channel": "whatsapp", "from": "+31850000000", "to": "+31 6 12345678",
              "content": { "type": "text", "text": "Je bestelling is onderweg." },
              "metadata": { "orderId": "A-1001" } }
            """;
        using var response = await Client.PostJsonAsync("/v1/messages", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await GatewayClient.ReadJsonAsync(response);
        var id = accepted["id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out var guid));
        Assert.Equal(7, guid.Version);
        Assert.Equal("accepted", accepted["status"]!.GetValue<string>());
        Assert.StartsWith("cnv_", accepted["conversationId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(accepted["acceptedAt"]!.GetValue<string>(), out _));
        Assert.Equal($"/v1/messages/{id}", response.Headers.Location!.OriginalString);

        using var read = await Client.GetAsync($"/v1/messages/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var message = await GatewayClient.ReadJsonAsync(read);
        Assert.Equal(id, message["id"]!.GetValue<string>());
        Assert.Equal("whatsapp", message["channel"]!.GetValue<string>());
        Assert.Equal("outbound", message["direction"]!.GetValue<string>());
        Assert.Equal("+31612345678", message["to"]!.GetValue<string>());
        Assert.Equal("Je bestelling is onderweg.", message["content"]!["text"]!.GetValue<string>());
        Assert.Equal("A-1001", message["metadata"]!["orderId"]!.GetValue<string>());
        // Dispatch may already have moved it on; its history always starts with "accepted", seq 1.
        Assert.Contains(message["status"]!.GetValue<string>(), (string[])["accepted", "queued", "sent", "delivered", "read"]);
        var first = message["statusHistory"]!.AsArray()[0]!;
        Assert.Equal("accepted", first["status"]!.GetValue<string>());
        Assert.Equal(1, first["seq"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"channel":"sms","from":"Webshop","to":"+31612345678","content":{"type":"text","text":"Uw pakket komt morgen."}}""")]
    [InlineData("""{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"media","url":"https://cdn.example.com/a.jpg","mimeType":"image/jpeg","caption":"Bon"}}""")]
    [InlineData("""{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"template","name":"order_shipped","language":"nl","parameters":["A-1001"]}}""")]
    [InlineData("""{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"interactive","body":"Wanneer bezorgen?","buttons":[{"id":"mon","title":"Maandag"},{"id":"tue","title":"Dinsdag"}]}}""")]
    [InlineData("""{"channel":"telegram","from":"webshop_bot","to":"123456789","content":{"type":"text","text":"Hallo"}}""")]
    [InlineData("""{"channel":"sandbox","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"Hallo"}}""")]
    public async Task Every_content_type_is_accepted_where_the_channel_supports_it(string body)
    {
        var accepted = await Client.SendAsync(body);
        using var read = await Client.GetAsync($"/v1/messages/{accepted["id"]}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Batch_accepts_valid_items_and_reports_invalid_ones_by_index()
    {
        var body = $$"""
            { "messages": [
                {{GatewayClient.WhatsAppText("+31612345678", "een")}},
                { "channel": "whatsapp", "from": "+31850000000", "to": "not-a-number", "content": { "type": "text", "text": "x" } },
                42,
                { "channel": "sms", "from": "Shop", "to": 31612345678, "content": { "type": "text", "text": "x" } },
                {{GatewayClient.WhatsAppText("+31612345679", "twee")}}
            ] }
            """;
        using var response = await Client.PostJsonAsync("/v1/messages/batch", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var results = (await GatewayClient.ReadJsonAsync(response))["results"]!.AsArray();
        Assert.Equal(5, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(i, results[i]!["index"]!.GetValue<int>());
        }

        Assert.Equal("accepted", results[0]!["status"]!.GetValue<string>());
        Assert.Equal(422, results[1]!["error"]!["status"]!.GetValue<int>());
        Assert.NotNull(results[1]!["error"]!["errors"]!["to"]);
        Assert.Equal(400, results[2]!["error"]!["status"]!.GetValue<int>());
        Assert.NotNull(results[3]!["error"]!["errors"]!["to"]);
        Assert.Equal("accepted", results[4]!["status"]!.GetValue<string>());

        foreach (var index in new[] { 0, 4 })
        {
            using var read = await Client.GetAsync($"/v1/messages/{results[index]!["id"]}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
    }

    [Fact]
    public async Task Batch_of_1000_is_accepted_and_1001_is_refused()
    {
        static string Batch(int count) =>
            "{\"messages\":[" + string.Join(',', Enumerable.Range(0, count).Select(i => GatewayClient.WhatsAppText($"+316{i % 50 + 10000000}", $"bericht {i}"))) + "]}";

        using var ok = await Client.PostJsonAsync("/v1/messages/batch", Batch(1000));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        var results = (await GatewayClient.ReadJsonAsync(ok))["results"]!.AsArray();
        Assert.Equal(1000, results.Count);
        Assert.Equal(1000, results.Select(r => r!["id"]!.GetValue<string>()).Distinct().Count());

        using var tooMany = await Client.PostJsonAsync("/v1/messages/batch", Batch(1001));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.NotNull((await GatewayClient.ReadJsonAsync(tooMany))["errors"]!["messages"]);
    }

    [Theory]
    [InlineData("/v1/messages/01a207ba-315a-7f7d-87fa-b31008283cc1")]
    [InlineData("/v1/messages/not-a-guid")]
    [InlineData("/v1/conversations/cnv_00000000000000000000000000000000")]
    [InlineData("/v1/conversations/whatever/messages")]
    [InlineData("/v1/nothing-here")]
    public async Task Unknown_resources_are_404_problems(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await GatewayClient.ReadJsonAsync(response);
        Assert.Equal(404, problem["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        using var anonymous = Gateway.Client(apiKey: null);
        using var live = await anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await GatewayClient.ReadJsonAsync(ready))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/messages"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
