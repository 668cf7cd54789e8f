using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MessagingGateway.Channels.Http;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Channels.Meta.Tests;

public sealed class WhatsAppConnectorTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "t1";
    private const string Sender = "+31850000000";
    private const string PhoneNumberId = "1122334455667";
    private const string Token = "EAAG-token-1";

    private readonly InMemoryChannelAccounts _accounts = new();
    private FakeWhatsApp _fake = null!;
    private HttpClient _http = null!;
    private WhatsAppConnector _connector = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWhatsApp.StartAsync();
        _fake.AddPhoneNumber(PhoneNumberId, Token);
        await _accounts.PutAsync(Account(Tenant, "wa-1", Sender, PhoneNumberId, Token));
        _http = new HttpClient { BaseAddress = _fake.BaseAddress };
        _connector = new WhatsAppConnector(_http, _accounts, NullLogger<WhatsAppConnector>.Instance);
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => _http?.Dispose();

    internal static ChannelAccount Account(string tenant, string accountId, string sender, string phoneNumberId, string token) => new(
        tenant,
        Channel.WhatsApp,
        accountId,
        sender,
        new Dictionary<string, string>
        {
            ["phoneNumberId"] = phoneNumberId,
            ["accessToken"] = token,
            ["appSecret"] = "app-secret-" + accountId,
            ["verifyToken"] = "verify-" + accountId,
        },
        DateTimeOffset.UnixEpoch);

    private static Message Outbound(MessageContent content, string from = Sender, string tenant = Tenant) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = tenant,
        ConversationId = "c1",
        Channel = Channel.WhatsApp,
        Direction = MessageDirection.Outbound,
        From = from,
        To = "+31612345678",
        Content = content,
        AcceptedAt = DateTimeOffset.UnixEpoch,
    };

    private async Task<(ChannelSendResult Result, JsonNode Json)> SendAsync(MessageContent content)
    {
        var message = Outbound(content);
        var result = await _connector.SendAsync(message, CancellationToken.None);
        var send = Assert.Single(_fake.Sends);
        Assert.Equal(PhoneNumberId, send.PhoneNumberId);
        Assert.Equal("Bearer " + Token, send.Authorization);
        var json = send.Json!;
        Assert.Equal("whatsapp", (string?)json["messaging_product"]);
        Assert.Equal("individual", (string?)json["recipient_type"]);
        Assert.Equal("31612345678", (string?)json["to"]);
        Assert.Equal(message.Id.ToString(), (string?)json["biz_opaque_callback_data"]);
        return (result, json);
    }

    [Fact]
    public async Task Text_is_posted_as_channels_md_shows_and_the_wamid_comes_back()
    {
        var (result, json) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal(_fake.Sends[0].Wamid, result.ProviderMessageId);
        Assert.StartsWith("wamid.", result.ProviderMessageId, StringComparison.Ordinal);
        Assert.Equal("text", (string?)json["type"]);
        Assert.Equal("""{"preview_url":false,"body":"Hi"}""", json["text"]!.ToJsonString());
    }

    [Theory]
    [InlineData("image/jpeg", "https://cdn.example/p.jpg", "image")]
    [InlineData("video/mp4", "https://cdn.example/v", "video")]
    [InlineData("application/pdf", "https://cdn.example/invoice.pdf", "document")]
    [InlineData(null, "https://cdn.example/photo.png?x=1", "image")]
    [InlineData(null, "https://cdn.example/clip.mp4", "video")]
    [InlineData(null, "https://cdn.example/report.xlsx", "document")]
    public async Task Media_goes_as_its_kind_with_link_and_caption(string? mimeType, string url, string kind)
    {
        var (result, json) = await SendAsync(new MessageContent { Type = "media", Url = url, MimeType = mimeType, Caption = "Look" });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal(kind, (string?)json["type"]);
        Assert.Equal(url, (string?)json[kind]!["link"]);
        Assert.Equal("Look", (string?)json[kind]!["caption"]);
    }

    [Fact]
    public async Task Audio_goes_without_a_caption()
    {
        var (_, json) = await SendAsync(new MessageContent { Type = "media", Url = "https://cdn.example/a.ogg", MimeType = "audio/ogg", Caption = "ignored" });

        Assert.Equal("audio", (string?)json["type"]);
        Assert.Equal("""{"link":"https://cdn.example/a.ogg"}""", json["audio"]!.ToJsonString());
    }

    [Fact]
    public async Task Template_carries_name_language_and_body_parameters()
    {
        var (result, json) = await SendAsync(new MessageContent { Type = "template", Name = "order_update", Language = "en_US", Parameters = ["42", "Ann"] });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal("template", (string?)json["type"]);
        Assert.Equal(
            """{"name":"order_update","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"42"},{"type":"text","text":"Ann"}]}]}""",
            json["template"]!.ToJsonString());
    }

    [Fact]
    public async Task Reply_buttons_are_an_interactive_button_message()
    {
        var (_, json) = await SendAsync(new MessageContent
        {
            Type = "interactive",
            Body = "OK?",
            Buttons = [new InteractiveButton { Id = "yes", Title = "Yes" }, new InteractiveButton { Id = "no", Title = "No" }],
        });

        Assert.Equal("interactive", (string?)json["type"]);
        Assert.Equal(
            """{"type":"button","body":{"text":"OK?"},"action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes"}},{"type":"reply","reply":{"id":"no","title":"No"}}]}}""",
            json["interactive"]!.ToJsonString());
    }

    [Fact]
    public async Task A_list_is_an_interactive_list_message()
    {
        var (_, json) = await SendAsync(new MessageContent
        {
            Type = "interactive",
            Body = "Pick one",
            List = new InteractiveList
            {
                Button = "Options",
                Sections = [new InteractiveListSection { Title = "A", Rows = [new InteractiveListRow { Id = "r1", Title = "Row", Description = "First" }] }],
            },
        });

        Assert.Equal(
            """{"type":"list","body":{"text":"Pick one"},"action":{"button":"Options","sections":[{"title":"A","rows":[{"id":"r1","title":"Row","description":"First"}]}]}}""",
            json["interactive"]!.ToJsonString());
    }

    [Fact]
    public async Task A_payment_link_is_text_with_a_preview()
    {
        var (_, json) = await SendAsync(new MessageContent { Type = "payment", Text = "Hier is je betaallink", Url = "https://pay.example/tr_1", PaymentId = "pay_1" });

        Assert.Equal("text", (string?)json["type"]);
        Assert.True((bool)json["text"]!["preview_url"]!);
        Assert.Equal("Hier is je betaallink\nhttps://pay.example/tr_1", (string?)json["text"]!["body"]);
    }

    [Fact]
    public async Task The_account_is_found_by_tenant_and_sender()
    {
        const string otherNumber = "9988776655";
        _fake.AddPhoneNumber(otherNumber, "EAAG-token-2");
        await _accounts.PutAsync(Account(Tenant, "wa-2", "+31850000001", otherNumber, "EAAG-token-2"));
        await _accounts.PutAsync(Account("t2", "wa-3", Sender, "5555", "EAAG-token-3"));

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "+31850000001"), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        var send = Assert.Single(_fake.Sends);
        Assert.Equal(otherNumber, send.PhoneNumberId);
        Assert.Equal("Bearer EAAG-token-2", send.Authorization);
    }

    [Fact]
    public async Task No_account_for_the_sender_is_permanent_and_sends_nothing()
    {
        var otherSender = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "+31859999999"), CancellationToken.None);
        var otherTenant = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, tenant: "t9"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("no_account"), otherSender);
        Assert.Equal(ChannelSendResult.Permanent("no_account"), otherTenant);
        Assert.Empty(_fake.Sends);
    }

    [Theory]
    [InlineData(130429, 429, 3)]
    [InlineData(131056, 400, null)]
    [InlineData(131048, 400, null)]
    [InlineData(4, 400, null)]
    [InlineData(80007, 400, null)]
    [InlineData(131016, 503, null)]
    [InlineData(131000, 500, null)]
    public async Task Throttling_and_outages_are_transient_with_the_code(int code, int httpStatus, int? retryAfter)
    {
        _fake.FailNext(1, code, httpStatus, retryAfter);

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Code);
        Assert.Equal(retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null, result.RetryAfter);
    }

    [Theory]
    [InlineData(131047)]
    [InlineData(131026)]
    [InlineData(131030)]
    [InlineData(131050)]
    [InlineData(131049)]
    [InlineData(131051)]
    [InlineData(131008)]
    [InlineData(131009)]
    [InlineData(132000)]
    [InlineData(132001)]
    [InlineData(132015)]
    [InlineData(132016)]
    [InlineData(131031)]
    [InlineData(368)]
    [InlineData(190)]
    public async Task Window_recipient_request_template_and_account_errors_are_permanent_with_the_code(int code)
    {
        _fake.FailNext(1, code, code == 190 ? 401 : 400);

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent(code.ToString(System.Globalization.CultureInfo.InvariantCulture)), result);
    }

    [Fact]
    public async Task A_wrong_token_is_permanent_190()
    {
        _fake.AddPhoneNumber(PhoneNumberId, "rotated-token");

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("190"), result);
        Assert.Equal(401, Assert.Single(_fake.Sends).StatusCode);
    }

    [Fact]
    public async Task A_500_without_meta_json_is_transient_and_an_unknown_400_code_permanent()
    {
        _fake.FailNext(1, 1, 502);
        _fake.FailNext(1, 100, 400);

        var gateway = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);
        var invalid = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, gateway.Outcome);
        Assert.Equal(ChannelSendResult.Permanent("100"), invalid);
    }

    [Fact]
    public async Task Content_whatsapp_cannot_carry_is_permanent_and_sends_nothing()
    {
        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "interactive", Body = "No choices" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("unsupported_content"), result);
        Assert.Empty(_fake.Sends);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/v21.0/") };
        var connector = new WhatsAppConnector(http, _accounts, NullLogger<WhatsAppConnector>.Instance);

        var result = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Transient("connection_failed"), result);
    }

    [Fact]
    public async Task The_registered_client_retries_a_429_with_a_short_retry_after_but_not_a_500()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChannelAccountStore>(_accounts);
        services.AddWhatsAppConnector(new Uri(_fake.BaseAddress.AbsoluteUri.TrimEnd('/')));
        await using var provider = services.BuildServiceProvider();
        var connector = provider.GetRequiredService<WhatsAppConnector>();

        _fake.FailNext(1, 130429, 429, retryAfterSeconds: 0);
        var throttled = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        _fake.FailNext(1, 131000, 500);
        var failed = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, throttled.Outcome);
        Assert.Equal(SendOutcome.TransientFailure, failed.Outcome);
        Assert.Equal([429, 200, 500], _fake.Sends.Select(s => s.StatusCode));
    }

    [Fact]
    public async Task An_accounts_failures_open_its_own_circuit_and_leave_other_accounts_sending()
    {
        await _accounts.PutAsync(Account(Tenant, "wa-2", "+31850000002", "2233445566778", "EAAG-token-2"));
        _fake.AddPhoneNumber("2233445566778", "EAAG-token-2");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChannelAccountStore>(_accounts);
        services.AddWhatsAppConnector(_fake.BaseAddress);
        services.Configure<HttpCircuitBreakerStrategyOptions>(ProviderHttpClients.CircuitBreakerOptionsName, options =>
        {
            options.MinimumThroughput = 2;
            options.BreakDuration = TimeSpan.FromMinutes(1);
        });
        await using var provider = services.BuildServiceProvider();
        var connector = provider.GetRequiredService<WhatsAppConnector>();

        _fake.FailNext(2, 131000, 500);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(SendOutcome.TransientFailure, (await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None)).Outcome);
        }

        var held = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);
        var other = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "+31850000002"), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, held.Outcome);
        Assert.Equal("circuit_open", held.Code);
        Assert.InRange(held.RetryAfter.GetValueOrDefault(), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
        Assert.Equal(SendOutcome.Accepted, other.Outcome);
        Assert.Equal([PhoneNumberId, PhoneNumberId, "2233445566778"], _fake.Sends.Select(s => s.PhoneNumberId)); // the held send never left
    }
}
