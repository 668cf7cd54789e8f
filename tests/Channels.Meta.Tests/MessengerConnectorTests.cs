using System.Text.Json.Nodes;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Channels.Meta.Tests;

public sealed class MessengerConnectorTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "t1";
    private const string PageId = "104955582273";
    private const string IgId = "17841400000000001";
    private const string PageToken = "EAAP-page-token";
    private const string IgToken = "EAAP-ig-token";
    private const string Psid = "6543210987654321";

    private readonly InMemoryChannelAccounts _accounts = new();
    private FakeMessenger _fake = null!;
    private HttpClient _http = null!;
    private MessengerConnector _connector = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeMessenger.StartAsync();
        _fake.AddPage(PageId, PageToken);
        _fake.AddPage(IgId, IgToken);
        await _accounts.PutAsync(Account(Channel.Messenger, "fb-1", PageId, PageToken));
        await _accounts.PutAsync(Account(Channel.Instagram, "ig-1", IgId, IgToken));
        _http = new HttpClient { BaseAddress = _fake.BaseAddress };
        _connector = new MessengerConnector(_http, _accounts, NullLogger<MessengerConnector>.Instance);
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => _http?.Dispose();

    internal static ChannelAccount Account(Channel channel, string accountId, string sender, string token, string tenant = Tenant) => new(
        tenant,
        channel,
        accountId,
        sender,
        new Dictionary<string, string>
        {
            ["pageAccessToken"] = token,
            ["appSecret"] = "app-secret-" + accountId,
            ["verifyToken"] = "verify-" + accountId,
        },
        DateTimeOffset.UnixEpoch);

    private static Message Outbound(Channel channel, MessageContent content, string? from = null) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = Tenant,
        ConversationId = "c1",
        Channel = channel,
        Direction = MessageDirection.Outbound,
        From = from ?? (channel == Channel.Instagram ? IgId : PageId),
        To = Psid,
        Content = content,
        AcceptedAt = DateTimeOffset.UnixEpoch,
    };

    private async Task<(ChannelSendResult Result, JsonNode Message)> SendAsync(Channel channel, MessageContent content)
    {
        var result = await _connector.SendAsync(Outbound(channel, content), CancellationToken.None);
        var send = Assert.Single(_fake.Sends);
        Assert.Equal(channel == Channel.Instagram ? IgId : PageId, send.PageId);
        Assert.Equal(channel == Channel.Instagram ? IgToken : PageToken, send.AccessToken);
        var json = send.Json!;
        Assert.Equal(Psid, (string?)json["recipient"]!["id"]);
        Assert.Equal("RESPONSE", (string?)json["messaging_type"]);
        return (result, json["message"]!);
    }

    [Theory]
    [InlineData(Channel.Messenger)]
    [InlineData(Channel.Instagram)]
    public async Task Text_is_posted_as_channels_md_shows_and_the_mid_comes_back_as_sent(Channel channel)
    {
        var (result, message) = await SendAsync(channel, new MessageContent { Type = "text", Text = "hi" });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.True(result.ConfirmsSent); // Meta posts no "sent" for these channels
        Assert.Null(result.SentAt); // and its answer carries no time
        Assert.Equal(_fake.Sends[0].MessageId, result.ProviderMessageId);
        Assert.StartsWith("m_", result.ProviderMessageId, StringComparison.Ordinal);
        Assert.Equal("""{"text":"hi"}""", message.ToJsonString());
        Assert.Equal(
            """{"recipient":{"id":"6543210987654321"},"messaging_type":"RESPONSE","message":{"text":"hi"}}""",
            _fake.Sends[0].Body);
    }

    [Theory]
    [InlineData(Channel.Messenger, "image/jpeg", "https://cdn.example/p.jpg", "image")]
    [InlineData(Channel.Instagram, "video/mp4", "https://cdn.example/v", "video")]
    [InlineData(Channel.Messenger, "audio/ogg", "https://cdn.example/a", "audio")]
    [InlineData(Channel.Messenger, "application/pdf", "https://cdn.example/invoice.pdf", "file")]
    [InlineData(Channel.Instagram, null, "https://cdn.example/photo.png", "image")]
    public async Task Media_is_an_attachment_with_its_url(Channel channel, string? mimeType, string url, string kind)
    {
        var (result, message) = await SendAsync(channel, new MessageContent { Type = "media", Url = url, MimeType = mimeType, Caption = "Look" });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal(
            "{\"attachment\":{\"type\":\"" + kind + "\",\"payload\":{\"url\":\"" + url + "\",\"is_reusable\":true}}}",
            message.ToJsonString());
    }

    [Theory]
    [InlineData(Channel.Messenger)]
    [InlineData(Channel.Instagram)]
    public async Task Buttons_are_quick_replies_with_titles_cut_to_20_characters(Channel channel)
    {
        var (_, message) = await SendAsync(channel, new MessageContent
        {
            Type = "interactive",
            Body = "Pick",
            Buttons = [new InteractiveButton { Id = "YES", Title = "Yes" }, new InteractiveButton { Id = "LATER", Title = "Remind me tomorrow morning" }],
        });

        Assert.Equal(
            """{"text":"Pick","quick_replies":[{"content_type":"text","title":"Yes","payload":"YES"},{"content_type":"text","title":"Remind me tomorrow m","payload":"LATER"}]}""",
            message.ToJsonString());
    }

    [Fact]
    public async Task A_list_becomes_quick_replies_of_its_rows()
    {
        var (_, message) = await SendAsync(Channel.Messenger, new MessageContent
        {
            Type = "interactive",
            Body = "Size?",
            List = new InteractiveList
            {
                Button = "Sizes",
                Sections =
                [
                    new InteractiveListSection { Title = "A", Rows = [new InteractiveListRow { Id = "s", Title = "Small" }] },
                    new InteractiveListSection { Title = "B", Rows = [new InteractiveListRow { Id = "l", Title = "Large" }] },
                ],
            },
        });

        Assert.Equal(
            """[{"content_type":"text","title":"Small","payload":"s"},{"content_type":"text","title":"Large","payload":"l"}]""",
            message["quick_replies"]!.ToJsonString());
    }

    [Fact]
    public async Task More_than_13_choices_and_templates_are_not_sent()
    {
        var many = new MessageContent
        {
            Type = "interactive",
            Body = "Pick",
            Buttons = [.. Enumerable.Range(0, 14).Select(i => new InteractiveButton { Id = "b" + i, Title = "B" + i })],
        };

        Assert.Equal("unsupported_content", (await _connector.SendAsync(Outbound(Channel.Messenger, many), CancellationToken.None)).Code);
        Assert.Equal("unsupported_content", (await _connector.SendAsync(Outbound(Channel.Messenger, new MessageContent { Type = "template", Name = "x" }), CancellationToken.None)).Code);
        Assert.Empty(_fake.Sends);
    }

    [Fact]
    public async Task A_payment_on_messenger_is_a_button_template_with_a_web_url_button()
    {
        var (result, message) = await SendAsync(Channel.Messenger, new MessageContent { Type = "payment", PaymentId = "pay_1", Text = "Your order: EUR 12.50", Url = "https://pay.example/p/1" });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal(
            """{"attachment":{"type":"template","payload":{"template_type":"button","text":"Your order: EUR 12.50","buttons":[{"type":"web_url","title":"Pay now","url":"https://pay.example/p/1"}]}}}""",
            message.ToJsonString());
    }

    [Fact]
    public async Task A_payment_on_instagram_is_text_with_the_link()
    {
        var (_, message) = await SendAsync(Channel.Instagram, new MessageContent { Type = "payment", PaymentId = "pay_1", Text = "Your order", Url = "https://pay.example/p/1" });

        Assert.Equal("""{"text":"Your order\nhttps://pay.example/p/1"}""", message.ToJsonString());
    }

    [Theory]
    [InlineData(10, 2018278, 400, "10")]
    [InlineData(551, 1545041, 400, "551")]
    [InlineData(100, 2018001, 400, "100")]
    [InlineData(190, null, 400, "190")]
    [InlineData(12345, null, 400, "12345")]
    public async Task Window_recipient_and_request_errors_are_permanent_with_metas_code(int code, int? subcode, int httpStatus, string expected)
    {
        _fake.FailNext(1, code, httpStatus, subcode);

        var result = await _connector.SendAsync(Outbound(Channel.Messenger, new MessageContent { Type = "text", Text = "hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Equal(expected, result.Code);
    }

    [Theory]
    [InlineData(613, 400, 30, "613")]
    [InlineData(4, 400, null, "4")]
    [InlineData(2, 503, 60, "2")]
    [InlineData(12345, 500, null, "12345")]
    [InlineData(12345, 429, 7, "12345")]
    public async Task Rate_limits_and_server_errors_are_transient_with_retry_after(int code, int httpStatus, int? retryAfter, string expected)
    {
        _fake.FailNext(1, code, httpStatus, retryAfterSeconds: retryAfter);

        var result = await _connector.SendAsync(Outbound(Channel.Instagram, new MessageContent { Type = "text", Text = "hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(expected, result.Code);
        Assert.Equal(retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null, result.RetryAfter);
    }

    [Fact]
    public async Task A_wrong_token_is_permanent_190()
    {
        _fake.AddPage(PageId, "another-token");

        var result = await _connector.SendAsync(Outbound(Channel.Messenger, new MessageContent { Type = "text", Text = "hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Equal("190", result.Code);
    }

    [Fact]
    public async Task No_account_on_the_messages_channel_is_permanent_and_nothing_is_sent()
    {
        // The page's id is a Messenger sender, not an Instagram one.
        var result = await _connector.SendAsync(Outbound(Channel.Instagram, new MessageContent { Type = "text", Text = "hi" }, from: PageId), CancellationToken.None);
        var other = await _connector.SendAsync(Outbound(Channel.WhatsApp, new MessageContent { Type = "text", Text = "hi" }), CancellationToken.None);

        Assert.Equal("no_account", result.Code);
        Assert.Equal("unsupported_channel", other.Code);
        Assert.Empty(_fake.Sends);
    }

    [Fact]
    public async Task The_registered_client_posts_under_the_versioned_base()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChannelAccountStore>(_accounts);
        services.AddMessengerConnector(new Uri(_fake.BaseAddress.AbsoluteUri.TrimEnd('/')));
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<MessengerConnector>().SendAsync(Outbound(Channel.Messenger, new MessageContent { Type = "text", Text = "hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal(PageId, Assert.Single(_fake.Sends).PageId);
    }
}
