using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Cm.Tests;

public sealed class CmWebhookTests
{
    private const string Token = "wh-cm-1-0123456789abcdef";

    // channels.md section 4a "Status report webhook", verbatim.
    private const string StatusReport = """
        {"messages":{"msg":{"received":"2024-05-01T10:00:02","to":"0031612345678","reference":"ord-42",
         "status":{"code":"2","errorCode":"","errorDescription":""},"operator":"20416"}}}
        """;

    // channels.md section 4a "Inbound (MO) webhook", verbatim but for the elided reference and grouping.
    private const string Inbound = """
        {"reference":"2f2d42ac-0000","from":{"number":"+316012345678","name":"Ann"},"to":{"number":"3669"},
         "message":{"text":"Hi","media":{"mediaUri":"","contentType":"","title":""},"custom":{}},
         "groupings":["","messagesApi",""],"timeUtc":"2019-01-01T12:00:00","channel":"SMS"}
        """;

    private static readonly ChannelAccount Account = CmSmsConnectorTests.Account("t1", "cm-1", "MyShop", "pt");
    private static readonly CmWebhook Webhook = new();

    private static IReadOnlyList<ProviderEvent> Parse(string json) => Webhook.Parse(Account, Encoding.UTF8.GetBytes(json));

    private static bool Verify(string? token, ChannelAccount? account = null) =>
        Webhook.Verify(account ?? Account, _ => null, name => name == "token" ? token : null, Encoding.UTF8.GetBytes(StatusReport));

    [Fact]
    public void The_channel_is_sms_and_there_is_no_handshake()
    {
        Assert.Equal(Channel.Sms, Webhook.Channel);
        Assert.Null(Webhook.Handshake(Account, _ => "x"));
    }

    [Fact]
    public void The_query_token_must_equal_the_accounts_webhook_token()
    {
        Assert.True(Verify(Token));
        Assert.False(Verify(Token + "x"));
        Assert.False(Verify("wh-cm-2-0123456789abcdef"));
        Assert.False(Verify(string.Empty));
        Assert.False(Verify(null));
        Assert.False(Verify(Token, Account with { Settings = new Dictionary<string, string> { ["productToken"] = "pt" } }));
    }

    [Fact]
    public void The_documented_status_report_is_delivered_by_reference_at_received_utc()
    {
        var status = Assert.IsType<ProviderStatus>(Assert.Single(Parse(StatusReport)));

        Assert.Equal(new ProviderStatus("ord-42", MessageStatus.Delivered, new DateTimeOffset(2024, 5, 1, 10, 0, 2, TimeSpan.Zero)), status);
    }

    [Theory]
    [InlineData(0, MessageStatus.Sent, null)]
    [InlineData(1, MessageStatus.Failed, "4")]
    [InlineData(2, MessageStatus.Delivered, null)]
    [InlineData(3, MessageStatus.Failed, "16")]
    public void Status_codes_map_to_sent_delivered_failed_with_the_error_code(int code, MessageStatus expected, string? errorCode)
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var status = Assert.IsType<ProviderStatus>(Assert.Single(Parse(FakeCm.StatusPayload("r1", code, "0031612345678", at, errorCode ?? "ignored"))));

        Assert.Equal(new ProviderStatus("r1", expected, at, errorCode), status);
    }

    [Theory]
    [InlineData("Accepted", MessageStatus.Sent)]
    [InlineData("Delivered", MessageStatus.Delivered)]
    [InlineData("Rejected", MessageStatus.Failed)]
    [InlineData("Cancelled", MessageStatus.Failed)]
    public void Status_names_are_read_too(string name, MessageStatus expected)
    {
        var json = """{"messages":{"msg":{"received":"2024-05-01T10:00:02","reference":"r1","status":""" + "\"" + name + "\"" + "}}}";

        Assert.Equal(expected, Assert.IsType<ProviderStatus>(Assert.Single(Parse(json))).Status);
    }

    [Fact]
    public void A_batch_of_reports_gives_each_and_skips_broken_ones()
    {
        var at = DateTimeOffset.UnixEpoch.AddYears(50);
        var json = FakeCm.StatusBatchPayload(
            FakeCm.StatusReport("a", 0, "0031612345678", at),
            FakeCm.StatusReport("b", 2, "0031612345678", at),
            FakeCm.StatusReport("c", 7, "0031612345678", at));

        Assert.Equal(["a", "b"], Parse(json).Cast<ProviderStatus>().Select(s => s.ProviderMessageId));
    }

    [Fact]
    public void The_documented_mo_is_inbound_text_from_an_e164_number()
    {
        var inbound = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(Inbound)));

        Assert.Equal("2f2d42ac-0000", inbound.ProviderMessageId);
        Assert.Equal("+316012345678", inbound.CustomerAddress);
        Assert.Equal("text", inbound.Content.Type);
        Assert.Equal("Hi", inbound.Content.Text);
        Assert.Equal(new DateTimeOffset(2019, 1, 1, 12, 0, 0, TimeSpan.Zero), inbound.At);
    }

    [Theory]
    [InlineData("0031612345678", "+31612345678")]
    [InlineData("31612345678", "+31612345678")]
    [InlineData("+31612345678", "+31612345678")]
    public void Mo_numbers_become_e164_with_a_plus(string from, string expected)
    {
        var inbound = Assert.IsType<ProviderInboundMessage>(Assert.Single(Parse(FakeCm.InboundPayload("r", from, "3669", "x", DateTimeOffset.UnixEpoch))));

        Assert.Equal(expected, inbound.CustomerAddress);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"messages":{"msg":{"reference":"r","status":{"code":"2"}}}}""")]
    [InlineData("""{"messages":{"msg":{"received":"2024-05-01T10:00:02","status":{"code":"2"}}}}""")]
    [InlineData("""{"reference":"r","from":{"number":"Ann"},"message":{"text":"x"},"timeUtc":"2019-01-01T12:00:00"}""")]
    [InlineData("""{"reference":"r","from":{"number":"+31612345678"},"message":{"text":"x"},"timeUtc":"2019-01-01T12:00:00","channel":"WhatsApp"}""")]
    [InlineData("""{"reference":"r","from":{"number":"+31612345678"},"message":{"text":"x"}}""")]
    public void Junk_and_other_channels_give_nothing(string json) => Assert.Empty(Parse(json));
}
