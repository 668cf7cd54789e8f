namespace MessagingGateway.Payments.Tests;

public class AmountFormattingTests
{
    [Theory]
    [InlineData("EUR", 2495, "24.95")]
    [InlineData("EUR", 0, "0.00")]
    [InlineData("EUR", 1, "0.01")]
    [InlineData("EUR", 10, "0.10")]
    [InlineData("EUR", 100, "1.00")]
    [InlineData("EUR", 100005, "1000.05")]
    [InlineData("GBP", 99_999_999_999_999, "999999999999.99")]
    [InlineData("JPY", 2495, "2495")]
    [InlineData("JPY", 0, "0")]
    [InlineData("ISK", 15000, "15000")]
    public void Value_has_exactly_the_currency_decimals(string currency, long minorUnits, string expected)
    {
        Assert.Equal(expected, new Amount(currency, minorUnits).FormatValue());
    }

    [Theory]
    [InlineData("EUR", "24.95")]
    [InlineData("EUR", "0.00")]
    [InlineData("EUR", "0.07")]
    [InlineData("USD", "100.10")]
    [InlineData("CHF", "999999999999.99")]
    [InlineData("JPY", "1")]
    [InlineData("JPY", "999999999999")]
    [InlineData("HUF", "1990.50")]
    public void Parse_then_format_gives_back_the_same_string(string currency, string value)
    {
        Assert.True(Amount.TryParse(currency, value, out var amount, out var error), error);

        Assert.Equal(value, amount.FormatValue());
    }

    [Theory]
    [InlineData("EUR")]
    [InlineData("USD")]
    [InlineData("GBP")]
    [InlineData("CHF")]
    [InlineData("DKK")]
    [InlineData("NOK")]
    [InlineData("SEK")]
    [InlineData("PLN")]
    [InlineData("CZK")]
    [InlineData("HUF")]
    [InlineData("RON")]
    [InlineData("AUD")]
    [InlineData("CAD")]
    [InlineData("JPY")]
    [InlineData("ISK")]
    public void Format_then_parse_gives_back_the_same_amount(string currency)
    {
        foreach (var minorUnits in new long[] { 0, 1, 9, 10, 99, 100, 101, 2495, 1_000_000, 123_456_789_012 })
        {
            var amount = new Amount(currency, minorUnits);

            Assert.True(Amount.TryParse(currency, amount.FormatValue(), out var parsed, out var error), error);
            Assert.Equal(amount, parsed);
        }
    }

    [Fact]
    public void Decimals_follow_mollie_not_iso_4217()
    {
        Assert.Equal(2, new Amount("EUR", 0).Decimals);
        Assert.Equal(0, new Amount("JPY", 0).Decimals);
        Assert.Equal(0, new Amount("ISK", 0).Decimals);
        Assert.Equal(2, new Amount("HUF", 0).Decimals);
        Assert.Equal(2, new Amount("TWD", 0).Decimals);
    }

    [Fact]
    public void ToString_reads_as_currency_and_value()
    {
        Assert.Equal("EUR 24.95", new Amount("EUR", 2495).ToString());
        Assert.Equal("JPY 2495", new Amount("JPY", 2495).ToString());
    }

    [Fact]
    public void Constructor_rejects_what_parse_would_reject()
    {
        Assert.Throws<ArgumentException>(() => new Amount("eur", 1));
        Assert.Throws<ArgumentException>(() => new Amount("XYZ", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Amount("EUR", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Amount("EUR", 100_000_000_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Amount("JPY", 1_000_000_000_000));
    }

    [Fact]
    public void Default_amount_cannot_be_formatted()
    {
        Assert.Throws<InvalidOperationException>(() => default(Amount).FormatValue());
    }
}
