using System.Net;
using System.Net.Sockets;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Channels.Telegram.Tests;

public sealed class TelegramConnectorTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "t1";
    private const string Sender = "shop_bot";
    private const string BotToken = "123456789:AAH-bot_token-1";
    private const string ChatId = "987654321";

    private readonly InMemoryChannelAccounts _accounts = new();
    private FakeTelegram _fake = null!;
    private HttpClient _http = null!;
    private TelegramConnector _connector = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeTelegram.StartAsync();
        _fake.AddBot(BotToken);
        await _accounts.PutAsync(Account(Tenant, "tg-1", Sender, BotToken));
        _http = new HttpClient { BaseAddress = _fake.BaseAddress };
        _connector = new TelegramConnector(_http, _accounts, NullLogger<TelegramConnector>.Instance);
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => _http?.Dispose();

    internal static ChannelAccount Account(string tenant, string accountId, string sender, string botToken) => new(
        tenant,
        Channel.Telegram,
        accountId,
        sender,
        new Dictionary<string, string>
        {
            ["botToken"] = botToken,
            ["secretToken"] = "secret_" + accountId,
        },
        DateTimeOffset.UnixEpoch);

    private static Message Outbound(MessageContent content, string from = Sender, string to = ChatId) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = Tenant,
        ConversationId = "c1",
        Channel = Channel.Telegram,
        Direction = MessageDirection.Outbound,
        From = from,
        To = to,
        Content = content,
        AcceptedAt = DateTimeOffset.UnixEpoch,
    };

    private async Task<(ChannelSendResult Result, FakeTelegramRequest Send)> SendAsync(MessageContent content, string to = ChatId)
    {
        var result = await _connector.SendAsync(Outbound(content, to: to), CancellationToken.None);
        var send = Assert.Single(_fake.Sends);
        Assert.Equal(BotToken, send.BotToken);
        return (result, send);
    }

    [Fact]
    public async Task Text_is_send_message_with_a_numeric_chat_id_and_the_id_is_chat_and_message_sent_at_telegrams_date()
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
        _fake.Time = new FixedClock(date.AddMilliseconds(400));
        var (result, send) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal("sendMessage", send.Method);
        Assert.Equal("""{"chat_id":987654321,"text":"Hi"}""", send.Json!.ToJsonString());

        // No receipts for bots: the answer is the message sent, at the answer's date (whole seconds).
        Assert.Equal(ChannelSendResult.Sent(ChatId + ":1", date), result);

        var second = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Again" }), CancellationToken.None);
        Assert.Equal(ChatId + ":2", second.ProviderMessageId);
    }

    [Fact]
    public async Task A_channel_username_goes_as_a_string()
    {
        await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, to: "@shop_news"), CancellationToken.None);

        Assert.Equal("@shop_news", (string?)_fake.Sends[0].Json!["chat_id"]);
    }

    [Fact]
    public async Task An_image_is_send_photo_with_its_caption()
    {
        var (result, send) = await SendAsync(new MessageContent { Type = "media", Url = "https://cdn.example/p.jpg", MimeType = "image/jpeg", Caption = "Look" });

        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        Assert.Equal("sendPhoto", send.Method);
        Assert.Equal("""{"chat_id":987654321,"photo":"https://cdn.example/p.jpg","caption":"Look"}""", send.Json!.ToJsonString());
    }

    [Theory]
    [InlineData("video/mp4", "https://cdn.example/v", "sendVideo", "video")]
    [InlineData("application/pdf", "https://cdn.example/invoice.pdf", "sendDocument", "document")]
    [InlineData(null, "https://cdn.example/photo.png?x=1", "sendPhoto", "photo")]
    [InlineData(null, "https://cdn.example/song.mp3", "sendAudio", "audio")]
    public async Task Other_media_go_by_their_kind(string? mimeType, string url, string method, string field)
    {
        var (_, send) = await SendAsync(new MessageContent { Type = "media", Url = url, MimeType = mimeType });

        Assert.Equal(method, send.Method);
        Assert.Equal(url, (string?)send.Json![field]);
        Assert.Null(send.Json["caption"]);
    }

    [Fact]
    public async Task Buttons_are_an_inline_keyboard_with_the_ids_as_callback_data()
    {
        var (_, send) = await SendAsync(new MessageContent
        {
            Type = "interactive",
            Body = "OK?",
            Buttons = [new InteractiveButton { Id = "yes", Title = "Yes" }, new InteractiveButton { Id = "no", Title = "No" }],
        });

        Assert.Equal("sendMessage", send.Method);
        Assert.Equal(
            """{"chat_id":987654321,"text":"OK?","reply_markup":{"inline_keyboard":[[{"text":"Yes","callback_data":"yes"}],[{"text":"No","callback_data":"no"}]]}}""",
            send.Json!.ToJsonString());
    }

    [Fact]
    public async Task List_rows_become_buttons_too()
    {
        var (_, send) = await SendAsync(new MessageContent
        {
            Type = "interactive",
            Body = "Pick one",
            List = new InteractiveList { Button = "Options", Sections = [new InteractiveListSection { Title = "A", Rows = [new InteractiveListRow { Id = "r1", Title = "Row" }] }] },
        });

        Assert.Equal("""{"inline_keyboard":[[{"text":"Row","callback_data":"r1"}]]}""", send.Json!["reply_markup"]!.ToJsonString());
    }

    [Fact]
    public async Task A_payment_is_text_with_a_url_button()
    {
        var (_, send) = await SendAsync(new MessageContent { Type = "payment", Text = "Hier is je betaallink", Url = "https://pay.example/tr_1", PaymentId = "pay_1" });

        Assert.Equal(
            """{"chat_id":987654321,"text":"Hier is je betaallink","reply_markup":{"inline_keyboard":[[{"text":"Pay","url":"https://pay.example/tr_1"}]]}}""",
            send.Json!.ToJsonString());
    }

    [Fact]
    public async Task Templates_and_overlong_callback_data_are_unsupported_and_send_nothing()
    {
        var template = await _connector.SendAsync(Outbound(new MessageContent { Type = "template", Name = "order_update" }), CancellationToken.None);
        var longId = await _connector.SendAsync(
            Outbound(new MessageContent { Type = "interactive", Body = "OK?", Buttons = [new InteractiveButton { Id = new string('x', 65), Title = "X" }] }),
            CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("unsupported_content"), template);
        Assert.Equal(ChannelSendResult.Permanent("unsupported_content"), longId);
        Assert.Empty(_fake.Sends);
    }

    [Fact]
    public async Task No_account_for_the_sender_is_permanent_and_sends_nothing()
    {
        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "other_bot"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("no_account"), result);
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task A_token_that_cannot_go_in_a_path_is_account_incomplete()
    {
        await _accounts.PutAsync(Account(Tenant, "tg-2", "bad_bot", "123/../x"));

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "bad_bot"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("account_incomplete"), result);
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task A_429_is_transient_with_retry_after_from_the_parameters()
    {
        _fake.RateLimitNext(1, 34);

        var (result, send) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal(429, send.StatusCode);
        Assert.Equal(ChannelSendResult.Transient("rate_limited", TimeSpan.FromSeconds(34)), result);
    }

    [Fact]
    public async Task A_blocked_bot_and_an_unknown_chat_are_permanent()
    {
        _fake.BlockChat(ChatId);
        var blocked = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);
        _fake.FailNext(1, 400, "Bad Request: chat not found");
        var notFound = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, to: "111"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("blocked"), blocked);
        Assert.Equal(ChannelSendResult.Permanent("chat_not_found"), notFound);
    }

    [Theory]
    [InlineData(500, "Internal Server Error", SendOutcome.TransientFailure, "http_500")]
    [InlineData(502, "Bad Gateway", SendOutcome.TransientFailure, "http_502")]
    [InlineData(400, "Bad Request: message text is empty", SendOutcome.PermanentFailure, "bad_request")]
    [InlineData(403, "Forbidden: user is deactivated", SendOutcome.PermanentFailure, "forbidden")]
    [InlineData(409, "Conflict: terminated by other getUpdates request", SendOutcome.PermanentFailure, "http_409")]
    public async Task Other_errors_map_by_status(int code, string description, SendOutcome outcome, string expected)
    {
        _fake.FailNext(1, code, description);

        var (result, _) = await SendAsync(new MessageContent { Type = "text", Text = "Hi" });

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(expected, result.Code);
    }

    [Fact]
    public async Task A_wrong_token_is_permanent_unauthorized()
    {
        await _accounts.PutAsync(Account(Tenant, "tg-3", "revoked_bot", "999:revoked"));

        var result = await _connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }, from: "revoked_bot"), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Permanent("unauthorized"), result);
        Assert.Equal(401, Assert.Single(_fake.Requests).StatusCode);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var connector = new TelegramConnector(http, _accounts, NullLogger<TelegramConnector>.Instance);

        var result = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(ChannelSendResult.Transient("connection_failed"), result);
    }

    [Fact]
    public async Task The_registered_client_sends_and_does_not_retry_a_500()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChannelAccountStore>(_accounts);
        services.AddTelegramConnector(new Uri(_fake.BaseAddress.AbsoluteUri.TrimEnd('/')));
        await using var provider = services.BuildServiceProvider();
        var connector = provider.GetRequiredService<TelegramConnector>();

        var sent = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);
        _fake.FailNext(1, 500, "Internal Server Error");
        var failed = await connector.SendAsync(Outbound(new MessageContent { Type = "text", Text = "Hi" }), CancellationToken.None);

        Assert.Equal(SendOutcome.Accepted, sent.Outcome);
        Assert.Equal(SendOutcome.TransientFailure, failed.Outcome);
        Assert.Equal([200, 500], _fake.Sends.Select(s => s.StatusCode));
    }

    [Fact]
    public async Task Set_webhook_registers_the_url_secret_and_allowed_updates()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChannelAccountStore>(_accounts);
        services.AddTelegramConnector(_fake.BaseAddress);
        await using var provider = services.BuildServiceProvider();
        var registration = provider.GetRequiredService<TelegramWebhookRegistration>();
        var account = Account(Tenant, "tg-1", Sender, BotToken);

        var ok = await registration.SetWebhookAsync(account, new Uri("https://gw.example/webhooks/telegram/tg-1"));
        var refused = await registration.SetWebhookAsync(Account(Tenant, "tg-9", "x_bot", "1:unknown"), new Uri("https://gw.example/webhooks/telegram/tg-9"));

        Assert.True(ok);
        Assert.False(refused);
        var webhook = _fake.WebhookOf(BotToken)!;
        Assert.Equal("https://gw.example/webhooks/telegram/tg-1", webhook.Url);
        Assert.Equal("secret_tg-1", webhook.SecretToken);
        Assert.Equal(["message", "callback_query"], webhook.AllowedUpdates!);
        Assert.Equal(
            """{"url":"https://gw.example/webhooks/telegram/tg-1","secret_token":"secret_tg-1","allowed_updates":["message","callback_query"]}""",
            _fake.Requests[0].Json!.ToJsonString());
    }

    [Fact]
    public async Task Set_webhook_without_a_secret_token_sends_nothing()
    {
        using var http = new HttpClient { BaseAddress = _fake.BaseAddress };
        var registration = new TelegramWebhookRegistration(http, NullLogger<TelegramWebhookRegistration>.Instance);
        var account = new ChannelAccount(Tenant, Channel.Telegram, "tg-1", Sender, new Dictionary<string, string> { ["botToken"] = BotToken }, DateTimeOffset.UnixEpoch);

        Assert.False(await registration.SetWebhookAsync(account, new Uri("https://gw.example/webhooks/telegram/tg-1")));
        Assert.Empty(_fake.Requests);
    }
}
