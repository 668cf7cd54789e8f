using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Meta.Tests;

public sealed class WhatsAppWebhookTests
{
    private const string PhoneNumberId = "1122334455667";
    private const string Secret = "app-secret-wa-1";

    // channels.md section 1 "Inbound message webhook", verbatim.
    private const string InboundText = """
        {"object":"whatsapp_business_account","entry":[{"id":"<WABA_ID>","changes":[{"field":"messages","value":{
         "messaging_product":"whatsapp","metadata":{"display_phone_number":"31201234567","phone_number_id":"1122334455667"},
         "contacts":[{"profile":{"name":"Ann"},"wa_id":"31612345678"}],
         "messages":[{"from":"31612345678","id":"wamid.XYZ","timestamp":"1697043223","type":"text","text":{"body":"Hello"}}]}}]}]}
        """;

    private static readonly ChannelAccount Account = WhatsAppConnectorTests.Account("t1", "wa-1", "+31850000000", PhoneNumberId, "token");
    private static readonly WhatsAppWebhook Webhook = new();

    private static string Envelope(string value) =>
        """{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":""" + value + "}]}]}";

    private static string Messages(string message) =>
        Envelope("""{"messaging_product":"whatsapp","metadata":{"display_phone_number":"31201234567","phone_number_id":"1122334455667"},"contacts":[{"profile":{"name":"Ann"},"wa_id":"31612345678"}],"messages":[""" + message + "]}");

    private static string Statuses(string statuses) =>
        Envelope("""{"messaging_product":"whatsapp","metadata":{"display_phone_number":"31201234567","phone_number_id":"1122334455667"},"statuses":[""" + statuses + "]}");

    private static IReadOnlyList<ProviderEvent> Parse(string json) => Webhook.Parse(Account, Encoding.UTF8.GetBytes(json));

    private static bool Verify(byte[] body, string? signature) =>
        Webhook.Verify(Account, name => name.Equals("X-Hub-Signature-256", StringComparison.OrdinalIgnoreCase) ? signature : null, _ => null, body);

    [Fact]
    public void The_channel_is_whatsapp() => Assert.Equal(Channel.WhatsApp, Webhook.Channel);

    [Fact]
    public void A_signature_over_the_raw_bytes_with_the_app_secret_verifies()
    {
        // Meta escapes non-ASCII; the bytes are what count, not the JSON.
        var body = Encoding.UTF8.GetBytes(Messages("""{"from":"31612345678","id":"wamid.1","timestamp":"1697043223","type":"text","text":{"body":"Caf\u00e9 \ud83d\ude00"}}"""));

        Assert.True(Verify(body, FakeWhatsApp.Sign(body, Secret)));
        Assert.True(Verify(body, FakeWhatsApp.Sign(body, Secret).ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_wrong_secret_a_changed_byte_or_a_missing_or_malformed_header_fails()
    {
        var body = Encoding.UTF8.GetBytes(InboundText);
        var signature = FakeWhatsApp.Sign(body, Secret);
        var changed = (byte[])body.Clone();
        changed[^3] ^= 0x01;

        Assert.False(Verify(body, FakeWhatsApp.Sign(body, "another-secret")));
        Assert.False(Verify(changed, signature));
        Assert.False(Verify(body, null));
        Assert.False(Verify(body, string.Empty));
        Assert.False(Verify(body, signature[7..]));
        Assert.False(Verify(body, "sha1=" + signature[7..]));
        Assert.False(Verify(body, signature[..^2]));
        Assert.False(Verify(body, signature + "00"));
        Assert.False(Verify(body, "sha256=" + new string('z', 64)));
    }

    [Fact]
    public void An_account_without_an_app_secret_verifies_nothing()
    {
        var body = Encoding.UTF8.GetBytes(InboundText);
        var account = Account with { Settings = new Dictionary<string, string> { ["phoneNumberId"] = PhoneNumberId } };

        Assert.False(Webhook.Verify(account, _ => FakeWhatsApp.Sign(body, string.Empty), _ => null, body));
    }

    [Theory]
    [InlineData("subscribe", "verify-wa-1", "1158201444", "1158201444")]
    [InlineData("subscribe", "verify-wa-2", "1158201444", null)]
    [InlineData("subscribe", "", "1158201444", null)]
    [InlineData("subscribe", null, "1158201444", null)]
    [InlineData("unsubscribe", "verify-wa-1", "1158201444", null)]
    [InlineData(null, "verify-wa-1", "1158201444", null)]
    [InlineData("subscribe", "verify-wa-1", null, null)]
    public void The_handshake_answers_the_challenge_only_for_subscribe_with_the_right_token(string? mode, string? token, string? challenge, string? expected)
    {
        var query = new Dictionary<string, string?> { ["hub.mode"] = mode, ["hub.verify_token"] = token, ["hub.challenge"] = challenge };

        Assert.Equal(expected, Webhook.Handshake(Account, name => query.GetValueOrDefault(name)));
    }

    [Fact]
    public void An_inbound_text_is_a_message_from_the_plus_number_at_its_timestamp()
    {
        var inbound = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(InboundText)));

        Assert.Equal("wamid.XYZ", inbound.ProviderMessageId);
        Assert.Equal("+31612345678", inbound.CustomerAddress);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1697043223), inbound.At);
        Assert.Equal("text", inbound.Content.Type);
        Assert.Equal("Hello", inbound.Content.Text);
    }

    [Theory]
    [InlineData("""{"type":"button_reply","button_reply":{"id":"yes","title":"Yes"}}""", "Yes", "yes")]
    [InlineData("""{"type":"list_reply","list_reply":{"id":"r1","title":"Row","description":"First"}}""", "Row", "r1")]
    public void Button_and_list_replies_are_text_with_the_title_and_the_reply_id(string interactive, string title, string id)
    {
        var json = Messages("""{"context":{"from":"31850000000","id":"wamid.ORIG"},"from":"31612345678","id":"wamid.R","timestamp":"1697043223","type":"interactive","interactive":""" + interactive + "}");

        var content = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(json))).Content;

        Assert.Equal("text", content.Type);
        Assert.Equal(title, content.Text);
        Assert.Equal([id], content.Parameters);
    }

    [Fact]
    public void A_template_quick_reply_is_text_with_the_payload()
    {
        var json = Messages("""{"from":"31612345678","id":"wamid.B","timestamp":"1697043223","type":"button","button":{"payload":"TRACK_42","text":"Track"}}""");

        var content = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(json))).Content;

        Assert.Equal("Track", content.Text);
        Assert.Equal(["TRACK_42"], content.Parameters);
    }

    [Theory]
    [InlineData("image", """{"id":"1234","mime_type":"image/jpeg","sha256":"abc","caption":"My order"}""", "image/jpeg", "My order")]
    [InlineData("video", """{"id":"1234","mime_type":"video/mp4"}""", "video/mp4", null)]
    [InlineData("audio", """{"id":"1234","mime_type":"audio/ogg; codecs=opus","voice":true}""", "audio/ogg; codecs=opus", null)]
    [InlineData("document", """{"id":"1234","mime_type":"application/pdf","filename":"invoice.pdf","caption":"Invoice"}""", "application/pdf", "Invoice")]
    public void Media_is_a_media_message_pointing_at_the_whatsapp_media_id(string type, string media, string mimeType, string? caption)
    {
        var json = Messages("""{"from":"31612345678","id":"wamid.M","timestamp":"1697043223","type":"TYPE","TYPE":MEDIA}""".Replace("TYPE", type, StringComparison.Ordinal).Replace("MEDIA", media, StringComparison.Ordinal));

        var content = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(json))).Content;

        Assert.Equal("media", content.Type);
        Assert.Equal("whatsapp-media:1234", content.Url);
        Assert.Equal(mimeType, content.MimeType);
        Assert.Equal(caption, content.Caption);
    }

    [Fact]
    public void A_location_is_text_with_a_pin()
    {
        var json = Messages("""{"from":"31612345678","id":"wamid.L","timestamp":"1697043223","type":"location","location":{"latitude":52.3702,"longitude":4.8952,"name":"Dam","address":"Amsterdam"}}""");

        Assert.Equal("📍 52.3702,4.8952 Dam", Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(json))).Content.Text);
    }

    [Fact]
    public void Statuses_map_to_ours_and_a_failed_one_carries_its_error_code()
    {
        // channels.md section 1 "Status webhook", plus a failed one as frappe_whatsapp#133 shows it.
        var json = Statuses("""
            {"id":"wamid.XYZ","status":"delivered","timestamp":"1698266945","recipient_id":"31612345678",
             "conversation":{"id":"7270432e","origin":{"type":"service"}},
             "pricing":{"billable":true,"pricing_model":"PMP","type":"regular","category":"utility"}},
            {"id":"wamid.A","status":"sent","timestamp":"1698266940","recipient_id":"31612345678"},
            {"id":"wamid.B","status":"read","timestamp":"1698266950","recipient_id":"31612345678"},
            {"id":"wamid.C","status":"failed","timestamp":"1698266951","recipient_id":"31612345678",
             "errors":[{"code":131047,"title":"Re-engagement message","error_data":{"details":"more than 24 hours"}}]}
            """);

        Assert.Equal(
            [
                new ProviderStatus("wamid.XYZ", MessageStatus.Delivered, DateTimeOffset.FromUnixTimeSeconds(1698266945)),
                new ProviderStatus("wamid.A", MessageStatus.Sent, DateTimeOffset.FromUnixTimeSeconds(1698266940)),
                new ProviderStatus("wamid.B", MessageStatus.Read, DateTimeOffset.FromUnixTimeSeconds(1698266950)),
                new ProviderStatus("wamid.C", MessageStatus.Failed, DateTimeOffset.FromUnixTimeSeconds(1698266951), "131047"),
            ],
            Parse(json));
    }

    [Fact]
    public void Read_without_delivered_is_just_read()
    {
        var json = Statuses("""{"id":"wamid.R","status":"read","timestamp":"1698266950","recipient_id":"31612345678"}""");

        Assert.Equal([new ProviderStatus("wamid.R", MessageStatus.Read, DateTimeOffset.FromUnixTimeSeconds(1698266950))], Parse(json));
    }

    [Fact]
    public void A_batch_of_entries_and_changes_yields_every_message_and_status_in_order()
    {
        var json = """
            {"object":"whatsapp_business_account","entry":[
             {"id":"1","changes":[
               {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1122334455667"},
                 "messages":[{"from":"31611111111","id":"wamid.1","timestamp":"1697043223","type":"text","text":{"body":"one"}},
                             {"from":"31622222222","id":"wamid.2","timestamp":"1697043224","type":"text","text":{"body":"two"}}]}},
               {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1122334455667"},
                 "statuses":[{"id":"wamid.S1","status":"sent","timestamp":"1697043225","recipient_id":"31611111111"}]}}]},
             {"id":"2","changes":[
               {"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1122334455667"},
                 "messages":[{"from":"31633333333","id":"wamid.3","timestamp":"1697043226","type":"text","text":{"body":"three"}}],
                 "statuses":[{"id":"wamid.S1","status":"delivered","timestamp":"1697043227","recipient_id":"31611111111"}]}}]}]}
            """;

        var events = Parse(json);

        Assert.Equal(
            ["wamid.1", "wamid.2", "wamid.S1/Sent", "wamid.3", "wamid.S1/Delivered"],
            events.Select(e => e switch
            {
                ProviderInboundMessage m => m.ProviderMessageId,
                ProviderStatus s => s.ProviderMessageId + "/" + s.Status,
                _ => "?",
            }));
    }

    [Fact]
    public void Unknown_types_fields_statuses_and_other_phone_numbers_are_skipped()
    {
        var json = """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
              {"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":1}},
              {"field":"messages","value":{"metadata":{"phone_number_id":"999"},
                "messages":[{"from":"31611111111","id":"wamid.other","timestamp":"1697043223","type":"text","text":{"body":"not ours"}}]}},
              {"field":"messages","value":{"metadata":{"phone_number_id":"1122334455667"},
                "messages":[{"from":"31611111111","id":"wamid.u","timestamp":"1697043223","type":"unsupported","errors":[{"code":131051}]},
                            {"from":"31611111111","id":"wamid.n","timestamp":"1697043223","type":"text"},
                            {"from":"31611111111","id":"wamid.t","type":"text","text":{"body":"no timestamp"}},
                            {"from":"31611111111","id":"wamid.ok","timestamp":"1697043223","type":"text","text":{"body":"ok"}}],
                "statuses":[{"id":"wamid.p","status":"played","timestamp":"1697043223"}]}}]}]}
            """;

        var inbound = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(json)));

        Assert.Equal("wamid.ok", inbound.ProviderMessageId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"entry\":")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"entry\":{}}")]
    [InlineData("{\"entry\":[1,\"x\",{\"changes\":\"no\"},{\"changes\":[{\"value\":[]}]}]}")]
    [InlineData("{\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"from\":1,\"id\":2,\"timestamp\":{},\"type\":\"text\",\"text\":\"x\"}],\"statuses\":[{\"id\":\"w\",\"status\":\"failed\",\"timestamp\":\"-5\"}]}}]}]}")]
    public void Junk_is_an_empty_list_never_an_exception(string json)
    {
        Assert.Empty(Parse(json));
    }

    [Fact]
    public void Invalid_utf8_is_an_empty_list()
    {
        Assert.Empty(Webhook.Parse(Account, [0xFF, 0xFE, 0x7B]));
    }
}
