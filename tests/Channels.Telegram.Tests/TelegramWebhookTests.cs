using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Telegram.Tests;

public sealed class TelegramWebhookTests
{
    private const string Secret = "secret_tg-1";

    // channels.md section 3 "Inbound Update", verbatim.
    private const string InboundText = """
        {"update_id":10000001,"message":{"message_id":41,"from":{"id":123456789,"is_bot":false,"first_name":"Ann"},
         "chat":{"id":123456789,"type":"private"},"date":1700000000,"text":"hi"}}
        """;

    private static readonly ChannelAccount Account = TelegramConnectorTests.Account("t1", "tg-1", "shop_bot", "123:abc");
    private static readonly TelegramWebhook Webhook = new();

    private static IReadOnlyList<ProviderEvent> Parse(string json, TelegramWebhook? webhook = null) => (webhook ?? Webhook).Parse(Account, Encoding.UTF8.GetBytes(json));

    private static bool Verify(string? secret, ChannelAccount? account = null) =>
        Webhook.Verify(account ?? Account, name => name.Equals("X-Telegram-Bot-Api-Secret-Token", StringComparison.OrdinalIgnoreCase) ? secret : null, _ => null, Encoding.UTF8.GetBytes(InboundText));

    [Fact]
    public void The_channel_is_telegram_and_there_is_no_handshake()
    {
        Assert.Equal(Channel.Telegram, Webhook.Channel);
        Assert.Null(Webhook.Handshake(Account, _ => "anything"));
    }

    [Fact]
    public void The_secret_token_header_must_equal_the_accounts()
    {
        Assert.True(Verify(Secret));
        Assert.False(Verify("secret_tg-2"));
        Assert.False(Verify(Secret + "x"));
        Assert.False(Verify(string.Empty));
        Assert.False(Verify(null));
    }

    [Fact]
    public void An_account_without_a_secret_token_verifies_nothing()
    {
        var account = Account with { Settings = new Dictionary<string, string> { ["botToken"] = "123:abc" } };

        Assert.False(Verify(Secret, account));
        Assert.False(Verify(string.Empty, account));
    }

    [Fact]
    public void A_text_message_is_inbound_from_the_chat_with_chat_and_message_id()
    {
        var inbound = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(InboundText)));

        Assert.Equal("123456789:41", inbound.ProviderMessageId);
        Assert.Equal("123456789", inbound.CustomerAddress);
        Assert.Equal("text", inbound.Content.Type);
        Assert.Equal("hi", inbound.Content.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), inbound.At);
    }

    [Fact]
    public void A_photo_is_media_with_the_largest_sizes_file_id_and_the_caption()
    {
        var inbound = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse("""
            {"update_id":10000002,"message":{"message_id":42,"from":{"id":5,"is_bot":false,"first_name":"Ann"},"chat":{"id":5,"type":"private"},"date":1700000001,
             "photo":[{"file_id":"AgAD-small","file_unique_id":"s","width":90,"height":90},{"file_id":"AgAD-big","file_unique_id":"b","width":1280,"height":1280}],"caption":"Broken"}}
            """)));

        Assert.Equal("5:42", inbound.ProviderMessageId);
        Assert.Equal("media", inbound.Content.Type);
        Assert.Equal("telegram-file:AgAD-big", inbound.Content.Url);
        Assert.Equal("image/jpeg", inbound.Content.MimeType);
        Assert.Equal("Broken", inbound.Content.Caption);
    }

    [Fact]
    public void A_document_keeps_its_mime_type_and_a_location_is_text()
    {
        var events = Parse("""{"update_id":1,"message":{"message_id":1,"chat":{"id":-100200,"type":"group"},"date":1700000000,"document":{"file_id":"BQAD","mime_type":"application/pdf"}}}""")
            .Concat(Parse("""{"update_id":2,"message":{"message_id":2,"chat":{"id":5,"type":"private"},"date":1700000000,"location":{"latitude":52.370216,"longitude":4.895168}}}"""))
            .Cast<ProviderInboundMessage>()
            .ToList();

        Assert.Equal("-100200", events[0].CustomerAddress);
        Assert.Equal("telegram-file:BQAD", events[0].Content.Url);
        Assert.Equal("application/pdf", events[0].Content.MimeType);
        Assert.Equal("📍 52.370216,4.895168", events[1].Content.Text);
    }

    [Fact]
    public void A_button_press_is_text_with_the_buttons_title_and_its_data_as_parameter()
    {
        var time = new FixedClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var json = FakeTelegram.CallbackPayload(10000003, "4382000000000001", 123456789, 77, "yes", "Yes please", DateTimeOffset.FromUnixTimeSeconds(1700000000));

        var events = Parse(json, new TelegramWebhook(time));

        Assert.Equal(2, events.Count);
        var inbound = Assert.IsType<ProviderInboundMessage>(events[0]);
        Assert.Equal(new ProviderWebhookReply("application/json", """{"method":"answerCallbackQuery","callback_query_id":"4382000000000001"}"""), events[1]);
        Assert.Equal("4382000000000001", inbound.ProviderMessageId);
        Assert.Equal("123456789", inbound.CustomerAddress);
        Assert.Equal("Yes please", inbound.Content.Text);
        Assert.Equal(["yes"], inbound.Content.Parameters!);
        Assert.Equal(time.GetUtcNow(), inbound.At);

        // channels.md section 3: answered with answerCallbackQuery, or the client keeps spinning.
        Assert.Equal(new ProviderWebhookReply("application/json", """{"method":"answerCallbackQuery","callback_query_id":"4382000000000001"}"""), events[1]);
    }

    [Fact]
    public void A_button_press_without_its_message_uses_the_user_and_the_data()
    {
        var events = Parse(
            """{"update_id":4,"callback_query":{"id":"99","from":{"id":555,"is_bot":false,"first_name":"Ann"},"chat_instance":"-1","data":"no"}}""");
        var inbound = Assert.IsType<ProviderInboundMessage>(events[0]);
        Assert.Equal(new ProviderWebhookReply("application/json", """{"method":"answerCallbackQuery","callback_query_id":"99"}"""), events[1]);

        Assert.Equal("555", inbound.CustomerAddress);
        Assert.Equal("no", inbound.Content.Text);
        Assert.Equal(["no"], inbound.Content.Parameters!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"update_id":5}""")]
    [InlineData("""{"update_id":6,"my_chat_member":{"chat":{"id":5},"new_chat_member":{"status":"kicked"}}}""")]
    [InlineData("""{"update_id":7,"edited_message":{"message_id":1,"chat":{"id":5},"date":1700000000,"text":"x"}}""")]
    [InlineData("""{"update_id":8,"message":{"message_id":1,"chat":{"id":5},"date":1700000000,"sticker":{"file_id":"x"}}}""")]
    [InlineData("""{"update_id":9,"message":{"message_id":"1","chat":{"id":5},"date":1700000000,"text":"x"}}""")]
    [InlineData("""{"update_id":10,"message":{"message_id":1,"chat":{"id":5},"text":"x"}}""")]
    [InlineData("""{"update_id":11,"callback_query":{"id":"1","from":{"id":5}}}""")]
    public void Junk_and_other_updates_give_nothing(string json) => Assert.Empty(Parse(json));

    [Fact]
    public void There_are_never_statuses()
    {
        var events = Parse(FakeTelegram.TextUpdatePayload(1, 5, 9, "hello", DateTimeOffset.UnixEpoch));

        Assert.DoesNotContain(events, e => e is ProviderStatus);
        Assert.Equal("5:9", Assert.IsType<ProviderInboundMessage>(Assert.Single(events)).ProviderMessageId);
    }
}
