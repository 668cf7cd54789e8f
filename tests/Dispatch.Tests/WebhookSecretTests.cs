using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Dispatch.Tests;

public class WebhookSecretTests
{
    [Fact]
    public void A_standard_secret_parses_and_round_trips()
    {
        const string text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        Assert.True(WebhookSecret.TryParse(text, out var secret, out var error));
        Assert.Null(error);
        Assert.Equal(text, secret.ToString());
    }

    [Fact]
    public void Generate_makes_a_random_32_byte_key_that_parses_back()
    {
        var first = WebhookSecret.Generate();
        var second = WebhookSecret.Generate();

        var text = first.ToString();
        Assert.StartsWith("whsec_", text, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(text["whsec_".Length..]).Length);
        Assert.NotEqual(text, second.ToString());
        Assert.True(WebhookSecret.TryParse(text, out var parsed, out _));
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData(24)]
    [InlineData(64)]
    public void Keys_at_the_bounds_are_accepted(int bytes)
    {
        Assert.True(WebhookSecret.TryParse(Secret(bytes), out _, out var error), error);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with 'whsec_'")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with 'whsec_'")]
    [InlineData("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with 'whsec_'")]
    [InlineData("whsec_", "followed by base64")]
    [InlineData("whsec_not*base64!not*base64!not*base64!", "followed by base64")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "followed by base64")]
    public void Malformed_secrets_are_refused_with_a_clear_error(string? text, string expected)
    {
        Assert.False(WebhookSecret.TryParse(text, out var secret, out var error));
        Assert.Null(secret);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_key_is_refused_with_its_length()
    {
        Assert.False(WebhookSecret.TryParse(Secret(23), out _, out var error));
        Assert.Equal("The webhook secret's key is 23 bytes; at least 24 are required.", error);
    }

    [Fact]
    public void A_long_key_is_refused_with_its_length()
    {
        Assert.False(WebhookSecret.TryParse(Secret(65), out _, out var error));
        Assert.Equal("The webhook secret's key is 65 bytes; at most 64 are allowed.", error);
    }

    private static string Secret(int bytes) => "whsec_" + Convert.ToBase64String(new byte[bytes]);
}
