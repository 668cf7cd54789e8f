using System.Text;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Dispatch.Tests;

public class WebhookSignatureTests
{
    // The Standard Webhooks reference vector (standard-webhooks and svix library tests): matching
    // it means every receiver library verifies what we send.
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] VectorBody = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");

    [Fact]
    public void Sign_reproduces_the_standard_webhooks_vector()
    {
        Assert.Equal(VectorSignature, WebhookSignature.Sign([Parse(VectorSecret)], VectorId, VectorTimestamp, VectorBody));
    }

    [Fact]
    public void Verify_accepts_the_standard_webhooks_vector()
    {
        Assert.True(WebhookSignature.Verify(Parse(VectorSecret), VectorId, VectorTimestamp, VectorBody, VectorSignature));
    }

    [Fact]
    public void During_rotation_the_header_carries_both_signatures_and_either_secret_verifies()
    {
        var current = WebhookSecret.Generate();
        var previous = WebhookSecret.Generate();
        var body = "{\"type\":\"message.status\"}"u8.ToArray();

        var header = WebhookSignature.Sign([current, previous], "evt_1", 1_700_000_000, body);

        var entries = header.Split(' ');
        Assert.Equal(2, entries.Length);
        Assert.All(entries, entry => Assert.StartsWith("v1,", entry, StringComparison.Ordinal));
        Assert.Equal(WebhookSignature.Sign([current], "evt_1", 1_700_000_000, body), entries[0]);
        Assert.Equal(WebhookSignature.Sign([previous], "evt_1", 1_700_000_000, body), entries[1]);
        Assert.True(WebhookSignature.Verify(current, "evt_1", 1_700_000_000, body, header));
        Assert.True(WebhookSignature.Verify(previous, "evt_1", 1_700_000_000, body, header));
        Assert.False(WebhookSignature.Verify(WebhookSecret.Generate(), "evt_1", 1_700_000_000, body, header));
    }

    [Fact]
    public void Tampered_body_id_or_timestamp_fails()
    {
        var secret = Parse(VectorSecret);
        var tamperedBody = Encoding.UTF8.GetBytes("""{"test": 2432232315}""");

        Assert.False(WebhookSignature.Verify(secret, VectorId, VectorTimestamp, tamperedBody, VectorSignature));
        Assert.False(WebhookSignature.Verify(secret, VectorId, VectorTimestamp, [], VectorSignature));
        Assert.False(WebhookSignature.Verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJel", VectorTimestamp, VectorBody, VectorSignature));
        Assert.False(WebhookSignature.Verify(secret, VectorId, VectorTimestamp + 1, VectorBody, VectorSignature));
    }

    [Fact]
    public void A_wrong_secret_fails()
    {
        Assert.False(WebhookSignature.Verify(WebhookSecret.Generate(), VectorId, VectorTimestamp, VectorBody, VectorSignature));
    }

    [Theory]
    [InlineData("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " + VectorSignature)]
    [InlineData("v2,AAAA " + VectorSignature)]
    [InlineData("garbage " + VectorSignature + " more-garbage")]
    [InlineData("v1,bm9wZQ== " + VectorSignature)]
    [InlineData("  " + VectorSignature + "  ")]
    public void Any_matching_v1_entry_verifies_and_other_entries_are_ignored(string header)
    {
        Assert.True(WebhookSignature.Verify(Parse(VectorSecret), VectorId, VectorTimestamp, VectorBody, header));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("v1")]
    [InlineData("v1,")]
    [InlineData("v1,,")]
    [InlineData(",g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=AAAA")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O==")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=,extra")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("v1,bm9wZQ==")]
    public void Malformed_headers_fail_without_throwing(string header)
    {
        Assert.False(WebhookSignature.Verify(Parse(VectorSecret), VectorId, VectorTimestamp, VectorBody, header));
    }

    [Fact]
    public void A_very_long_header_fails_without_throwing()
    {
        var header = string.Join(' ', Enumerable.Repeat("v1,bm9wZQ==", 10_000)) + new string('A', 100_000);

        Assert.False(WebhookSignature.Verify(Parse(VectorSecret), VectorId, VectorTimestamp, VectorBody, header));
    }

    [Theory]
    [InlineData("")]
    [InlineData("msg.1")]
    public void Ids_that_would_make_the_signed_content_ambiguous_are_refused(string id)
    {
        var secret = Parse(VectorSecret);

        Assert.Throws<ArgumentException>(() => WebhookSignature.Sign([secret], id, VectorTimestamp, VectorBody));
        Assert.False(WebhookSignature.Verify(secret, id, VectorTimestamp, VectorBody, VectorSignature));
    }

    [Fact]
    public void Signing_needs_a_secret_and_a_non_negative_timestamp()
    {
        var secret = Parse(VectorSecret);

        Assert.Throws<ArgumentException>(() => WebhookSignature.Sign([], VectorId, VectorTimestamp, VectorBody));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSignature.Sign([secret], VectorId, -1, VectorBody));
        Assert.False(WebhookSignature.Verify(secret, VectorId, -1, VectorBody, VectorSignature));
    }

    [Fact]
    public void Bodies_beyond_the_stack_buffer_sign_and_verify()
    {
        var secret = WebhookSecret.Generate();
        var body = new byte[100_000];
        new Random(42).NextBytes(body);

        var header = WebhookSignature.Sign([secret], "evt_big", 1_700_000_000, body);

        Assert.True(WebhookSignature.Verify(secret, "evt_big", 1_700_000_000, body, header));
        body[^1] ^= 1;
        Assert.False(WebhookSignature.Verify(secret, "evt_big", 1_700_000_000, body, header));
    }

    [Fact]
    public void Many_secrets_beyond_the_stack_header_buffer_all_verify()
    {
        var secrets = Enumerable.Range(0, 10).Select(_ => WebhookSecret.Generate()).ToArray();

        var header = WebhookSignature.Sign(secrets, "evt_many", 1_700_000_000, VectorBody);

        Assert.Equal(10, header.Split(' ').Length);
        Assert.All(secrets, secret => Assert.True(WebhookSignature.Verify(secret, "evt_many", 1_700_000_000, VectorBody, header)));
    }

    [Fact]
    public void Signing_equals_a_plain_hmac_over_id_timestamp_and_body()
    {
        var secret = Parse(VectorSecret);
        var key = Convert.FromBase64String(VectorSecret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"{VectorId}.{VectorTimestamp}.").Concat(VectorBody).ToArray();

        var expected = "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, content));

        Assert.Equal(expected, WebhookSignature.Sign([secret], VectorId, VectorTimestamp, VectorBody));
    }

    private static WebhookSecret Parse(string text)
    {
        Assert.True(WebhookSecret.TryParse(text, out var secret, out var error), error);
        return secret;
    }
}
