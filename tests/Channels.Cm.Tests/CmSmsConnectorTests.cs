using System.Net;
using System.Net.Sockets;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Channels.Cm.Tests;

public sealed class CmSmsConnectorTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "t1";
    private const string Sender = "MyShop";
    private const string ProductToken = "00000000-0000-0000-0000-000000000001";

    private readonly InMemoryChannelAccounts _accounts = new();
    private FakeCm _fake = null!;
    private HttpClient _http = null!;
    private CmSmsConnector _connector = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeCm.StartAsync();
        _fake.AddProductToken(ProductToken);
        await _accounts.PutAsync(Account(Tenant, "cm-1", Sender, ProductToken));
        _http = new HttpClient { BaseAddress = _fake.BaseAddress };
        _connector = new CmSmsConnector(_http, _accounts, NullLogger<CmSmsConnector>.Instance);
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => _http?.Dispose();

    internal static ChannelAccount Account(string tenant, string accountId, string sender, string productToken, string provider = "cm") => new(
        tenant,
        Channel.Sms,
        accountId,
        sender,
        new Dictionary<string, string>
        {
            ["provider"] = provider,
            ["productToken"] = productToken,
            ["webhookToken"] = "wh-" + accountId + "-0123456789abcdef",
        },
        DateTimeOffset.UnixEpoch);

    private static Message Outbound(MessageContent content, string from = Sender) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = Tenant,
        ConversationId = "c1",
        Channel = Channel.Sms,
        Direction = MessageDirection.Outbound,
        From = from,
        To = "+31612345678",
        Content = content,
        AcceptedAt = DateTimeOffset.UnixEpoch,
    };

    private async Task<(Message Message, ChannelSendResult Result, FakeCmSend Send)> SendAsync(MessageContent content)
    {
        var message = Outbound(content);
        var result = await _connector.SendAsync(message, CancellationToken.None);
        return (message, result, Assert.Single(_fake.Sends));
    }

    [Fact]
    public async Task Text_is_posted_as_channels_md_shows_and_the_reference_is_the_provider_id()
    {
        var (message, result, send) = await SendAsync(new MessageContent { Type = "text", Text = "Code 1234" });

        var reference = message.Id.ToString("N");
        Assert.Equal(ChannelSendResult.Accepted(reference), result);
        Assert.Equal(ProductToken, send.ProductToken);
        Assert.Equal(
            """{"messages":{"authentication":{"producttoken":"00000000-0000-0000-0000-000000000001"},"msg":[{"from":"MyShop","to":[{"number":"0031612345678"}],"body":{"type":"auto","content":"Code 1234"},"reference":""" + "\"" + reference + "\"" + ""","allowedChannels":["SMS"],"maximumNumberOfMessageParts":8}]}}""",
            send.Json!.ToJsonString());
    }

    [Fact]
    public async Task A_numeric_sender_goes_without_the_plus()
    {
        await _accounts.PutAsync(Account(Tenant, "cm-2", "+3197010000000", ProductToken));

        await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "+3197010000000"), CancellationToken.None);

        Assert.Equal("003197010000000", (string?)_fake.Sends[0].Json!["messages"]!["msg"]![0]!["from"]);
    }

    [Fact]
    public async Task A_payment_link_and_media_go_as_text_with_the_link()
    {
        var payment = await _connector.SendAsync(Outbound(new MessageContent { Type = "payment", Text = "Betaal hier", Url = "https://pay.example/tr_1" }), CancellationToken.None);
        var media = await _connector.SendAsync(Outbound(new MessageContent { Type = "media", Url = "https://cdn.example/p.jpg", Caption = "Look" }), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, payment.Outcome);
        Assert.Equal(SendOutcome.Accepted, media.Outcome);
        Assert.Equal("Betaal hier\nhttps://pay.example/tr_1", (string?)_fake.Sends[0].Json!["messages"]!["msg"]![0]!["body"]!["content"]);
        Assert.Equal("Look\nhttps://cdn.example/p.jpg", (string?)_fake.Sends[1].Json!["messages"]!["msg"]![0]!["body"]!["content"]);
    }

    [Fact]
    public async Task Buttons_and_templates_are_unsupported_and_send_nothing()
    {
        var buttons = await _connector.SendAsync(Outbound(new MessageContent { Type = "interactive", Body = "OK?", Buttons = [new InteractiveButton { Id = "y", Title = "Yes" }] }), CancellationToken.None);
        var template = await _connector.SendAsync(Outbound(new MessageContent { Type = "template", Name = "x" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("unsupported_content"), buttons);
        Assert.Equal(ChannelSendResult.Permanent("unsupported_content"), template);
        Assert.Empty(_fake.Sends);
    }

    [Fact]
    public async Task No_account_or_another_providers_account_is_permanent_and_sends_nothing()
    {
        await _accounts.PutAsync(Account(Tenant, "other-1", "Other", ProductToken, provider: "smpp"));

        var none = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "Nobody"), CancellationToken.None);
        var other = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "Other"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("no_account"), none);
        Assert.Equal(ChannelSendResult.Permanent("no_account"), other);
        Assert.Empty(_fake.Sends);
    }

    [Fact]
    public async Task A_wrong_product_token_is_permanent_101()
    {
        await _accounts.PutAsync(Account(Tenant, "cm-3", "Wrong", "00000000-0000-0000-0000-00000000dead"));

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "Wrong"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("101"), result);
        Assert.Equal(400, Assert.Single(_fake.Sends).StatusCode);
    }

    [Theory]
    [InlineData(102, 400)]
    [InlineData(500, 500)]
    [InlineData(999, 400)]
    public async Task Balance_internal_and_unknown_errors_are_transient_with_the_code(int code, int httpStatus)
    {
        _fake.FailNext(1, code, httpStatus);

        var (_, result, _) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Code);
    }

    [Theory]
    [InlineData(202)]
    [InlineData(301)]
    [InlineData(303)]
    [InlineData(304)]
    public async Task Request_errors_are_permanent_with_the_code(int code)
    {
        _fake.FailNext(1, code);

        var (_, result, _) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal(ChannelSendResult.Permanent(code.ToString(System.Globalization.CultureInfo.InvariantCulture)), result);
    }

    [Theory]
    [InlineData(302)]
    [InlineData(401)]
    [InlineData(402)]
    public async Task A_rejected_message_in_a_200_is_permanent_with_its_own_code(int code)
    {
        _fake.RejectNext(1, code);

        var (_, result, send) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal(200, send.StatusCode);
        Assert.Equal(201, send.ErrorCode);
        Assert.Equal(ChannelSendResult.Permanent(code.ToString(System.Globalization.CultureInfo.InvariantCulture)), result);
    }

    [Fact]
    public async Task A_502_without_cm_json_is_transient()
    {
        using var http = new HttpClient(new StatusHandler(HttpStatusCode.BadGateway)) { BaseAddress = _fake.BaseAddress };
        var connector = new CmSmsConnector(http, _accounts, NullLogger<CmSmsConnector>.Instance);

        var result = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Transient("http_502"), result);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var connector = new CmSmsConnector(http, _accounts, NullLogger<CmSmsConnector>.Instance);

        var result = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Transient("connection_failed"), result);
    }

    [Fact]
    public async Task The_registered_client_sends_and_does_not_retry_a_500()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChannelAccountStore>(_accounts);
        services.AddCmConnector(new Uri(_fake.BaseAddress.AbsoluteUri.TrimEnd('/')));
        await using var provider = services.BuildServiceProvider();
        var connector = provider.GetRequiredService<CmSmsConnector>();

        var sent = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);
        _fake.FailNext(1, 500, 500);
        var failed = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, sent.Outcome);
        Assert.Equal(SendOutcome.TransientFailure, failed.Outcome);
        Assert.Equal([200, 500], _fake.Sends.Select(s => s.StatusCode));
    }

    private sealed class StatusHandler(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("<html>Bad gateway</html>") });
    }
}
