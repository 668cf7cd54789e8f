using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Tests;

public class ConversationKeyTests
{
    private const string Tenant = "tenant-1";
    private const string Business = "+31612345678";
    private const string Customer = "+31687654321";

    [Fact]
    public void Derive_is_deterministic()
    {
        var first = ConversationKey.Derive(Tenant, Channel.WhatsApp, Business, Customer);
        var second = ConversationKey.Derive(new string(Tenant.AsSpan()), Channel.WhatsApp, new string(Business.AsSpan()), new string(Customer.AsSpan()));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Derive_is_well_formed()
    {
        var id = ConversationKey.Derive(Tenant, Channel.WhatsApp, Business, Customer);

        Assert.True(ConversationKey.IsWellFormed(id), id);
        Assert.StartsWith("cnv_", id, StringComparison.Ordinal);
        Assert.Equal(36, id.Length);
    }

    [Fact]
    public void Derive_is_well_formed_for_long_input()
    {
        // Over 1 KiB of key material takes the heap path instead of stackalloc.
        var id = ConversationKey.Derive(new string('t', 2000), Channel.Apple, Business, Customer);

        Assert.True(ConversationKey.IsWellFormed(id), id);
    }

    [Theory]
    [InlineData("tenant-2", Channel.WhatsApp, Business, Customer)]
    [InlineData(Tenant, Channel.Sms, Business, Customer)]
    [InlineData(Tenant, Channel.WhatsApp, "+31612345679", Customer)]
    [InlineData(Tenant, Channel.WhatsApp, Business, "+31687654322")]
    [InlineData(Tenant, Channel.WhatsApp, Customer, Business)]
    public void Derive_differs_when_any_part_differs(string tenant, Channel channel, string business, string customer)
    {
        var baseline = ConversationKey.Derive(Tenant, Channel.WhatsApp, Business, Customer);

        Assert.NotEqual(baseline, ConversationKey.Derive(tenant, channel, business, customer));
    }

    [Fact]
    public void Derive_keeps_shifted_boundaries_apart()
    {
        // ("ab","c") and ("a","bc") concatenate alike; the separator must keep them distinct.
        Assert.NotEqual(
            ConversationKey.Derive("t", Channel.Sandbox, "ab", "c"),
            ConversationKey.Derive("t", Channel.Sandbox, "a", "bc"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cnv_")]
    [InlineData("cnv_0123456789abcdef0123456789abcde")]
    [InlineData("cnv_0123456789abcdef0123456789abcdef0")]
    [InlineData("cnv_0123456789ABCDEF0123456789abcdef")]
    [InlineData("cnv_0123456789abcdef0123456789abcdeg")]
    [InlineData("abc_0123456789abcdef0123456789abcdef")]
    public void IsWellFormed_rejects_malformed(string? value)
    {
        Assert.False(ConversationKey.IsWellFormed(value));
    }

    [Fact]
    public void IsWellFormed_accepts_lowercase_hex()
    {
        Assert.True(ConversationKey.IsWellFormed("cnv_0123456789abcdef0123456789abcdef"));
    }
}
