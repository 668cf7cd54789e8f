using System.Net;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Gateway.Tests;

public sealed class ValidationTests : GatewayTest
{
    public static TheoryData<string, string> InvalidMessages() => new()
    {
        { """{"channel":"pigeon","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"x"}}""", "channel" },
        { """{"from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"x"}}""", "channel" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"0612345678","content":{"type":"text","text":"x"}}""", "to" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+3161234","content":{"type":"text","text":"x"}}""", "to" },
        { """{"channel":"whatsapp","from":"hello","to":"+31612345678","content":{"type":"text","text":"x"}}""", "from" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678"}""", "content" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"text"}}""", "content.text" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"TEXT4097"}}""".Replace("TEXT4097", new string('a', 4097), StringComparison.Ordinal), "content.text" },
        { """{"channel":"sms","from":"Shop","to":"+31612345678","content":{"type":"text","text":"TEXT1601"}}""".Replace("TEXT1601", new string('a', 1601), StringComparison.Ordinal), "content.text" },
        { """{"channel":"sms","from":"Shop","to":"+31612345678","content":{"type":"media","url":"https://x.example/a.jpg","mimeType":"image/jpeg"}}""", "content.type" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"template","language":"nl"}}""", "content.name" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"template","name":"order_shipped"}}""", "content.language" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"payment"}}""", "content.type" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"interactive","body":"Kies","buttons":[{"id":"a","title":"A"},{"id":"b","title":"B"},{"id":"c","title":"C"},{"id":"d","title":"D"}]}}""", "content.buttons" },
        { """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"x"},"metadata":{"orderId":5}}""", "metadata.orderId" },
        { """{"channel":"whatsapp","from":"+31850000000","to":["+31612345678"],"content":{"type":"text","text":"x"}}""", "to" },
    };

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task Invalid_messages_are_422_with_the_field_named_and_nothing_is_stored(string body, string field)
    {
        using var response = await Client.PostJsonAsync("/v1/messages", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await GatewayClient.ReadJsonAsync(response);
        Assert.Equal(422, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["type"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(problem["title"]!.GetValue<string>()));
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected an error on '{field}': {text}");
        Assert.NotEmpty(errors[field]!.AsArray());

        await AssertNoConversationForDefaultPartiesAsync();
    }

    [Fact]
    public async Task A_body_cut_short_by_the_client_stores_nothing_and_the_gateway_carries_on()
    {
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await socket.ConnectAsync(Gateway.BaseAddress.Host, Gateway.BaseAddress.Port);
            var head = "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestTenants.AcmeKey
                + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"channel\":\"whatsapp\",";
            await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(head));
            socket.Shutdown(System.Net.Sockets.SocketShutdown.Send); // the client gives up mid-body

            // Kestrel answers 400 and resets a connection whose body ended early; either is fine here.
            var chunk = new byte[4096];
            try
            {
                while (await socket.ReceiveAsync(chunk) > 0)
                {
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }

        await AssertNoConversationForDefaultPartiesAsync();
        using var next = await Client.PostJsonAsync("/v1/messages", """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"x"}}""");
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
    }

    [Fact]
    public async Task Too_much_metadata_is_refused()
    {
        var metadata = string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"k{i}\":\"v\""));
        using var response = await Client.PostJsonAsync("/v1/messages",
            "{\"channel\":\"whatsapp\",\"from\":\"+31850000000\",\"to\":\"+31612345678\",\"content\":{\"type\":\"text\",\"text\":\"x\"},\"metadata\":{" + metadata + "}}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await GatewayClient.ReadJsonAsync(response))["errors"]!.AsObject().ContainsKey("metadata"));
    }

    [Theory]
    [InlineData("""{"channel":"whatsapp",""", "malformed-json")]
    [InlineData("""{"channel":"whatsapp"} trailing""", "malformed-json")]
    [InlineData("""{'channel':'whatsapp'}""", "malformed-json")]
    [InlineData("""[1,2,3]""", "bad-request")]
    [InlineData("""null""", "bad-request")]
    [InlineData("""   """, "malformed-json")]
    public async Task Malformed_json_is_400(string body, string slug)
    {
        using var response = await Client.PostJsonAsync("/v1/messages", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await GatewayClient.ReadJsonAsync(response);
        Assert.EndsWith(slug, problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_body_is_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        using var response = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31612345678", "x"), contentType: contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Json_with_a_structured_suffix_type_is_accepted()
    {
        using var response = await Client.PostJsonAsync("/v1/messages", GatewayClient.WhatsAppText("+31612345678", "x"), contentType: "application/vnd.gateway+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/messages", 70_000)]
    [InlineData("/v1/messages/batch", 9_000_000)]
    public async Task Bodies_over_the_limit_are_413(string path, int size)
    {
        var body = "{\"channel\":\"whatsapp\",\"pad\":\"" + new string('x', size) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        // As well-behaved clients do for large bodies: the gateway refuses before the upload.
        request.Headers.ExpectContinue = true;
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var body = "{\"channel\":\"whatsapp\",\"pad\":\"" + new string('x', 70_000) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"messages":[]}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"messages":{}}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"items":[]}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"messages":[{"channel":"sms"}""", HttpStatusCode.BadRequest)]
    [InlineData("""[]""", HttpStatusCode.BadRequest)]
    public async Task Batch_envelope_errors(string body, HttpStatusCode expected)
    {
        using var response = await Client.PostJsonAsync("/v1/messages/batch", body);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    private async Task AssertNoConversationForDefaultPartiesAsync()
    {
        // The parties used above never had a valid message, so no conversation may exist for them.
        var id = ConversationKey.Derive("acme", Channel.WhatsApp, "+31850000000", "+31612345678");
        using var response = await Client.GetAsync($"/v1/conversations/{id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
