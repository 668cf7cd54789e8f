using MessagingGateway.Payments.Mollie;

namespace MessagingGateway.Payments.Tests.Mollie;

public class MollieWebhookTests
{
    [Theory]
    [InlineData("id=tr_WDqYK6vllg", "tr_WDqYK6vllg")]
    [InlineData("id=tr_d0b0E3EA3v&testByMerchant=1", "tr_d0b0E3EA3v")]
    [InlineData("other=x&id=tr_a", "tr_a")]
    [InlineData("id=tr%5FWDqYK6vllg", "tr_WDqYK6vllg")]
    [InlineData("id=tr_0123456789012345678901234567890123456789012345678901234567890123", "tr_0123456789012345678901234567890123456789012345678901234567890123")]
    public void A_payment_id_is_read(string body, string expected)
    {
        Assert.True(MollieWebhook.TryReadPaymentId(body, out var id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("id=")]
    [InlineData("id")]
    [InlineData("foo=tr_WDqYK6vllg")]
    [InlineData("ids=tr_WDqYK6vllg")]
    public void A_missing_id_is_refused(string? body)
    {
        Assert.False(MollieWebhook.TryReadPaymentId(body, out var id));
        Assert.Null(id);
    }

    [Theory]
    [InlineData("id=pl_4Y0eZitmBnQ6IDoMqZQKh")]
    [InlineData("id=re_4qqhO89gsT")]
    [InlineData("id=TR_WDqYK6vllg")]
    [InlineData("id=WDqYK6vllg")]
    [InlineData("id=tr_")]
    public void An_id_without_the_tr_prefix_and_a_token_is_refused(string body)
    {
        Assert.False(MollieWebhook.TryReadPaymentId(body, out _));
    }

    [Theory]
    [InlineData("id=tr_01234567890123456789012345678901234567890123456789012345678901234")] // 65 characters
    [InlineData("id=tr_abc-def")]
    [InlineData("id=tr_abc%00")]
    [InlineData("id=tr_abc%0A")]
    [InlineData("id=tr_abc+def")]
    [InlineData("id=tr_abc/../x")]
    [InlineData("id=tr_%E2%82%AC")]
    [InlineData("id=tr_abc&id=tr_def")]
    [InlineData("{\"id\":\"tr_abc\"}")]
    [InlineData("id=tr_abc%")]
    [InlineData("\u0000\u0001\u0002")]
    public void Junk_is_refused(string body)
    {
        Assert.False(MollieWebhook.TryReadPaymentId(body, out _));
    }

    [Fact]
    public void An_oversized_body_is_refused_unread()
    {
        Assert.False(MollieWebhook.TryReadPaymentId("id=tr_abc&pad=" + new string('x', MollieWebhook.MaxBodyLength), out _));
    }
}
