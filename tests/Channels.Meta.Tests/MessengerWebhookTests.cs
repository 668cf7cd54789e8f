using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Meta.Tests;

public sealed class MessengerWebhookTests
{
    private const string PageId = "104955582273";
    private const string IgId = "17841400000000001";
    private const string Psid = "6543210987654321";

    // channels.md section 2 "Inbound message webhook", with the page's id.
    private const string InboundText = """
        {"object":"page","entry":[{"id":"104955582273","time":1458692752478,"messaging":[{"sender":{"id":"6543210987654321"},
         "recipient":{"id":"104955582273"},"timestamp":1458692752478,"message":{"mid":"m_abc","text":"hello","quick_reply":{"payload":"YES"}}}]}]}
        """;

    private static readonly ChannelAccount Account = MessengerConnectorTests.Account(Channel.Messenger, "fb-1", PageId, "token");
    private static readonly ChannelAccount IgAccount = MessengerConnectorTests.Account(Channel.Instagram, "ig-1", IgId, "token");
    private static readonly MessengerWebhook Webhook = new(Channel.Messenger);
    private static readonly MessengerWebhook IgWebhook = new(Channel.Instagram);
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1458692752478);

    private static string Post(params string[] events) =>
        """{"object":"page","entry":[{"id":"104955582273","time":1458692752478,"messaging":[""" + string.Join(',', events) + "]}]}";

    private static string Event(string body) =>
        """{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458692752478,""" + body + "}";

    private static IReadOnlyList<ProviderEvent> Parse(string json) => Webhook.Parse(Account, Encoding.UTF8.GetBytes(json));

    private static bool Verify(MessengerWebhook webhook, ChannelAccount account, byte[] body, string? signature) =>
        webhook.Verify(account, name => name.Equals("X-Hub-Signature-256", StringComparison.OrdinalIgnoreCase) ? signature : null, _ => null, body);

    [Fact]
    public void One_webhook_per_channel_and_no_other()
    {
        Assert.Equal(Channel.Messenger, Webhook.Channel);
        Assert.Equal(Channel.Instagram, IgWebhook.Channel);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessengerWebhook(Channel.WhatsApp));
    }

    [Fact]
    public void The_signature_over_the_raw_bytes_with_the_app_secret_verifies_and_nothing_else_does()
    {
        var body = Encoding.UTF8.GetBytes(Post(Event("""
            "message":{"mid":"m_1","text":"Caf\u00e9 \ud83d\ude00"}
            """)));
        var signature = FakeMessenger.Sign(body, "app-secret-fb-1");
        var changed = (byte[])body.Clone();
        changed[^3] ^= 0x01;

        Assert.True(Verify(Webhook, Account, body, signature));
        Assert.True(Verify(IgWebhook, IgAccount, body, FakeMessenger.Sign(body, "app-secret-ig-1")));
        Assert.False(Verify(Webhook, Account, body, FakeMessenger.Sign(body, "app-secret-ig-1")));
        Assert.False(Verify(Webhook, Account, changed, signature));
        Assert.False(Verify(Webhook, Account, body, null));
        Assert.False(Verify(Webhook, Account, body, "sha1=" + signature[7..]));
        Assert.False(Verify(Webhook, Account with { Settings = new Dictionary<string, string>() }, body, FakeMessenger.Sign(body, string.Empty)));
    }

    [Theory]
    [InlineData("subscribe", "verify-fb-1", "1158201444", "1158201444")]
    [InlineData("subscribe", "verify-fb-2", "1158201444", null)]
    [InlineData("unsubscribe", "verify-fb-1", "1158201444", null)]
    [InlineData("subscribe", null, "1158201444", null)]
    [InlineData("subscribe", "verify-fb-1", null, null)]
    public void The_handshake_answers_the_challenge_only_for_the_verify_token(string? mode, string? token, string? challenge, string? expected)
    {
        var query = new Dictionary<string, string?> { ["hub.mode"] = mode, ["hub.verify_token"] = token, ["hub.challenge"] = challenge };

        Assert.Equal(expected, Webhook.Handshake(Account, name => query.GetValueOrDefault(name)));
    }

    [Fact]
    public void A_text_with_a_quick_reply_is_text_with_the_payload_as_parameter()
    {
        var message = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(InboundText)));

        Assert.Equal("m_abc", message.ProviderMessageId);
        Assert.Equal(Psid, message.CustomerAddress);
        Assert.Equal(At, message.At);
        Assert.Equal("text", message.Content.Type);
        Assert.Equal("hello", message.Content.Text);
        Assert.Equal(["YES"], message.Content.Parameters!);
    }

    [Fact]
    public void A_plain_text_has_no_parameters()
    {
        var message = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(Post(Event("""
            "message":{"mid":"m_2","text":"hi there"}
            """)))));

        Assert.Equal("hi there", message.Content.Text);
        Assert.Null(message.Content.Parameters);
    }

    [Fact]
    public void A_postback_is_its_title_with_the_payload_and_a_derived_id_without_mid()
    {
        var events = Parse(Post(
            Event("""
                "postback":{"mid":"m_pb","title":"Yes","payload":"YES"}
                """),
            Event("""
                "postback":{"title":"Start","payload":"GET_STARTED"}
                """)));

        Assert.Collection(
            events,
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal("m_pb", m.ProviderMessageId);
                Assert.Equal("Yes", m.Content.Text);
                Assert.Equal(["YES"], m.Content.Parameters!);
            },
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal("postback:" + Psid + ":1458692752478", m.ProviderMessageId);
                Assert.Equal("Start", m.Content.Text);
                Assert.Equal(["GET_STARTED"], m.Content.Parameters!);
            });
    }

    [Fact]
    public void Attachments_are_media_one_message_each()
    {
        var events = Parse(Post(Event("""
            "message":{"mid":"m_att","attachments":[{"type":"image","payload":{"url":"https://scontent.example/1.jpg"}},{"type":"file","payload":{"url":"https://cdn.example/f.pdf"}},{"type":"location","payload":{}}]}
            """)));

        Assert.Collection(
            events,
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal("m_att", m.ProviderMessageId);
                Assert.Equal("media", m.Content.Type);
                Assert.Equal("https://scontent.example/1.jpg", m.Content.Url);
            },
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal("m_att#1", m.ProviderMessageId);
                Assert.Equal("https://cdn.example/f.pdf", m.Content.Url);
            });
    }

    [Fact]
    public void Echoes_of_our_own_sends_are_skipped()
    {
        Assert.Empty(Parse(Post(Event("""
            "message":{"mid":"m_echo","is_echo":true,"app_id":1517776481860111,"text":"we said this"}
            """))));
    }

    [Fact]
    public void A_delivery_is_a_delivered_status_per_mid_at_the_watermark()
    {
        var events = Parse(Post("""
            {"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"delivery":{"mids":["m_1","m_2"],"watermark":1458668856253}}
            """));

        Assert.Equal(
            [
                new ProviderStatus("m_1", MessageStatus.Delivered, DateTimeOffset.FromUnixTimeMilliseconds(1458668856253)),
                new ProviderStatus("m_2", MessageStatus.Delivered, DateTimeOffset.FromUnixTimeMilliseconds(1458668856253)),
            ],
            events);
    }

    [Fact]
    public void A_read_with_only_a_watermark_is_a_read_up_to_it_for_the_customer_at_the_reads_timestamp()
    {
        // channels.md section 2 "Delivery and read (watermarks)": Messenger's read names no message.
        var read = """{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{"watermark":1458668856253}}""";

        Assert.Equal(
            [new ProviderReadWatermark(Psid, DateTimeOffset.FromUnixTimeMilliseconds(1458668856253), DateTimeOffset.FromUnixTimeMilliseconds(1458668856463))],
            Parse(Post(read)));
    }

    [Theory]
    [InlineData("""{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"read":{"watermark":"1458668856253"}}""", 1458668856253)] // no timestamp: read at the watermark
    [InlineData("""{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458668856999,"read":{"watermark":"1458668856253"}}""", 1458668856999)]
    public void A_watermark_as_a_numeric_string_counts_and_without_a_timestamp_it_is_also_the_read_time(string read, long at)
    {
        Assert.Equal(
            [new ProviderReadWatermark(Psid, DateTimeOffset.FromUnixTimeMilliseconds(1458668856253), DateTimeOffset.FromUnixTimeMilliseconds(at))],
            Parse(Post(read)));
    }

    [Theory]
    [InlineData("""{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{}}""")]
    [InlineData("""{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{"watermark":"soon"}}""")]
    [InlineData("""{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{"watermark":-5}}""")]
    [InlineData("""{"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{"watermark":1458668856253}}""")]
    [InlineData("""{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"read":{"watermark":null}}""")]
    public void A_read_without_a_usable_watermark_mid_or_customer_yields_nothing(string read) => Assert.Empty(Parse(Post(read)));

    [Fact]
    public void A_read_also_names_the_same_posts_delivered_mids_up_to_its_watermark_and_each_customer_reads_only_their_own()
    {
        var delivery = """{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"delivery":{"mids":["m_1"],"watermark":1458668856253}}""";
        var laterDelivery = """{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"delivery":{"mids":["m_2"],"watermark":1458668856300}}""";
        var read = """{"sender":{"id":"6543210987654321"},"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{"watermark":1458668856253}}""";
        var otherCustomersRead = """{"sender":{"id":"999"},"recipient":{"id":"104955582273"},"timestamp":1458668856463,"read":{"watermark":1458668856253}}""";
        var watermark = DateTimeOffset.FromUnixTimeMilliseconds(1458668856253);
        var readAt = DateTimeOffset.FromUnixTimeMilliseconds(1458668856463);

        Assert.Equal(
            [
                new ProviderStatus("m_1", MessageStatus.Delivered, watermark),
                new ProviderStatus("m_2", MessageStatus.Delivered, DateTimeOffset.FromUnixTimeMilliseconds(1458668856300)),
                new ProviderStatus("m_1", MessageStatus.Read, readAt),
                new ProviderReadWatermark(Psid, watermark, readAt),
                new ProviderReadWatermark("999", watermark, readAt),
            ],
            Parse(Post(delivery, laterDelivery, read, otherCustomersRead)));
    }

    [Fact]
    public void A_read_for_another_page_of_the_app_is_not_this_accounts()
    {
        var json = """
            {"object":"page","entry":[{"id":"999999","time":1458668856463,"messaging":[
             {"sender":{"id":"6543210987654321"},"recipient":{"id":"999999"},"timestamp":1458668856463,"read":{"watermark":1458668856253}}]}]}
            """;

        Assert.Empty(Parse(json));
    }

    [Fact]
    public void Instagram_posts_the_same_shape_with_object_instagram_and_a_seen_mid()
    {
        var json = """
            {"object":"instagram","entry":[{"id":"17841400000000001","time":1458692752478,"messaging":[
             {"sender":{"id":"IGSID-1"},"recipient":{"id":"17841400000000001"},"timestamp":1458692752478,"message":{"mid":"aWdfZ","text":"hoi"}},
             {"sender":{"id":"IGSID-1"},"recipient":{"id":"17841400000000001"},"timestamp":1458692752999,"read":{"mid":"aWdfOut"}}]}]}
            """;
        var events = IgWebhook.Parse(IgAccount, Encoding.UTF8.GetBytes(json));

        Assert.Collection(
            events,
            e => Assert.Equal(new ProviderInboundMessage("aWdfZ", "IGSID-1", ((ProviderInboundMessage)e).Content, At), e),
            e => Assert.Equal(new ProviderStatus("aWdfOut", MessageStatus.Read, DateTimeOffset.FromUnixTimeMilliseconds(1458692752999)), e));

        // Each webhook reads only its own channel's object.
        Assert.Empty(Webhook.Parse(Account, Encoding.UTF8.GetBytes(json)));
        Assert.Empty(IgWebhook.Parse(IgAccount, Encoding.UTF8.GetBytes(InboundText)));
    }

    [Fact]
    public void A_batch_yields_every_event_in_order_and_skips_other_pages_and_junk()
    {
        var json = """
            {"object":"page","entry":[
             {"id":"104955582273","time":1,"messaging":[
              {"sender":{"id":"A"},"recipient":{"id":"104955582273"},"timestamp":1458692752478,"message":{"mid":"m_a","text":"one"}},
              {"sender":{"id":"B"},"recipient":{"id":"104955582273"},"timestamp":1458692752478,"message":{"mid":"m_b","text":"two"}},
              {"sender":{"id":"B"},"recipient":{"id":"104955582273"},"delivery":{"mids":["m_out"],"watermark":1458692752478}},
              {"sender":{"id":"C"},"timestamp":"junk","message":{"mid":"m_c","text":"bad time"}},
              {"recipient":{"id":"104955582273"},"timestamp":1458692752478,"message":{"mid":"m_d","text":"no sender"}},
              {"sender":{"id":"E"},"recipient":{"id":"104955582273"},"timestamp":1458692752478,"reaction":{"mid":"m_x","action":"react"}},
              42]},
             {"id":"999999","time":1,"messaging":[
              {"sender":{"id":"F"},"recipient":{"id":"999999"},"timestamp":1458692752478,"message":{"mid":"m_f","text":"other page"}}]},
             {"id":"104955582273","time":1,"messaging":[
              {"sender":{"id":"G"},"recipient":{"id":"104955582273"},"timestamp":1458692752478,"message":{"mid":"m_g","text":"three"}}]}]}
            """;

        var events = Parse(json);

        Assert.Equal(["m_a", "m_b", "m_out", "m_g"], events.Select(e => e switch
        {
            ProviderInboundMessage m => m.ProviderMessageId,
            ProviderStatus s => s.ProviderMessageId,
            _ => "?",
        }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"object\":\"page\",\"entry\":{}}")]
    [InlineData("{\"object\":\"page\",\"entry\":[{\"messaging\":[{\"message\":\"x\"}]}]}")]
    public void Junk_yields_nothing(string json) => Assert.Empty(Parse(json));
}
