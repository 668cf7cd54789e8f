namespace MessagingGateway.Payments.Tests;

public class AmountParsingTests
{
    [Theory]
    [InlineData("EUR", "24.95", 2495)]
    [InlineData("EUR", "0.00", 0)]
    [InlineData("EUR", "0.01", 1)]
    [InlineData("EUR", "10.00", 1000)]
    [InlineData("USD", "1000000.50", 100000050)]
    [InlineData("GBP", "999999999999.99", 99_999_999_999_999)]
    [InlineData("JPY", "2495", 2495)]
    [InlineData("JPY", "0", 0)]
    [InlineData("ISK", "15000", 15000)]
    [InlineData("HUF", "1990.50", 199050)] // Mollie takes fillér, although ISO 4217 users often drop them
    [InlineData("TWD", "300.00", 30000)]
    public void Valid_values_parse_to_minor_units(string currency, string value, long minorUnits)
    {
        Assert.True(Amount.TryParse(currency, value, out var amount, out var error), error);

        Assert.Null(error);
        Assert.Equal(currency, amount.Currency);
        Assert.Equal(minorUnits, amount.MinorUnits);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_currency_is_required(string? currency)
    {
        AssertRejected(currency, "24.95", "currency is required, e.g. \"EUR\"");
    }

    [Fact]
    public void Lower_case_currency_gets_the_upper_case_spelling()
    {
        AssertRejected("eur", "24.95", "currency must be upper case: \"EUR\", not \"eur\"");
    }

    [Theory]
    [InlineData("EURO")]
    [InlineData("EU")]
    [InlineData("E1R")]
    [InlineData("€")]
    [InlineData(" EUR")]
    [InlineData("978")] // ISO 4217's numeric code is not what Mollie takes
    public void Malformed_currency_is_rejected(string currency)
    {
        AssertRejected(currency, "24.95", "currency must be a three-letter ISO 4217 code such as \"EUR\"");
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("CNY")] // real ISO 4217, not offered by Mollie
    [InlineData("BTC")]
    public void Currency_mollie_does_not_offer_is_rejected_with_the_supported_list(string currency)
    {
        var error = AssertRejected(currency, "24.95");

        Assert.StartsWith($"currency \"{currency}\" is not supported by Mollie; use one of AED, AUD,", error, StringComparison.Ordinal);
        Assert.Contains("EUR", error, StringComparison.Ordinal);
        Assert.EndsWith("USD, ZAR", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EUR", null, "value is required, as a string such as \"24.95\"")]
    [InlineData("EUR", "", "value is required, as a string such as \"24.95\"")]
    [InlineData("JPY", "", "value is required, as a string such as \"2495\"")]
    public void Missing_value_is_required(string currency, string? value, string expected)
    {
        AssertRejected(currency, value, expected);
    }

    [Theory]
    [InlineData("EUR", "24.9", "value must have exactly 2 decimals for EUR: write \"24.90\"")]
    [InlineData("EUR", "24", "value must have exactly 2 decimals for EUR: write \"24.00\"")]
    [InlineData("EUR", "24.", "value must have exactly 2 decimals for EUR: write \"24.00\"")]
    [InlineData("EUR", "24.950", "value must have exactly 2 decimals for EUR, e.g. \"24.95\"")]
    [InlineData("USD", "0.001", "value must have exactly 2 decimals for USD, e.g. \"24.95\"")]
    [InlineData("JPY", "2495.00", "value must be a whole number for JPY, which has no decimals, e.g. \"2495\"")]
    [InlineData("JPY", "2495.", "value must be a whole number for JPY, which has no decimals, e.g. \"2495\"")]
    [InlineData("ISK", "100.5", "value must be a whole number for ISK, which has no decimals, e.g. \"2495\"")]
    public void Wrong_number_of_decimals_for_the_currency_is_rejected(string currency, string value, string expected)
    {
        AssertRejected(currency, value, expected);
    }

    [Theory]
    [InlineData("-24.95")]
    [InlineData("-0.00")]
    public void Negative_value_is_rejected(string value)
    {
        AssertRejected("EUR", value, "value must not be negative");
    }

    [Fact]
    public void Leading_plus_is_rejected()
    {
        AssertRejected("EUR", "+24.95", "value must not start with '+'; write the number alone, e.g. \"24.95\"");
    }

    [Theory]
    [InlineData("EUR", "2.495e1")]
    [InlineData("EUR", "1E3")]
    [InlineData("JPY", "1e3")]
    public void Exponent_notation_is_rejected(string currency, string value)
    {
        AssertRejected(currency, value, "value must be written out in digits, not in exponent notation such as \"1e3\"");
    }

    [Theory]
    [InlineData("EUR", "24,95", "e.g. \"1234.95\"")]
    [InlineData("EUR", "1,234.50", "e.g. \"1234.95\"")]
    [InlineData("JPY", "1,234", "e.g. \"1234\"")]
    public void Comma_is_rejected_with_the_dot_spelling(string currency, string value, string example)
    {
        AssertRejected(currency, value, "value must use '.' as the decimal separator and no thousands separators, " + example);
    }

    [Theory]
    [InlineData("24.95€")]
    [InlineData("€24.95")]
    [InlineData("24.9x")]
    [InlineData("2.4.95")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("٢٤.٩٥")] // Arabic-Indic digits are digits to char.IsDigit, not to Mollie
    [InlineData("0x1F")]
    public void Non_digit_characters_are_rejected(string value)
    {
        AssertRejected("EUR", value, "value must contain only digits and at most one '.', e.g. \"24.95\"");
    }

    [Theory]
    [InlineData(" 24.95")]
    [InlineData("24.95 ")]
    [InlineData("24 000.00")]
    [InlineData("24.95\n")]
    public void Whitespace_is_rejected(string value)
    {
        AssertRejected("EUR", value, "value must not contain spaces or other whitespace");
    }

    [Theory]
    [InlineData("EUR", ".95", "value needs a digit before the decimal point, e.g. \"0.95\"")]
    [InlineData("EUR", "024.95", "value must not have leading zeros")]
    [InlineData("EUR", "00.95", "value must not have leading zeros")]
    [InlineData("JPY", "0100", "value must not have leading zeros")]
    public void Non_canonical_integer_part_is_rejected(string currency, string value, string expected)
    {
        AssertRejected(currency, value, expected);
    }

    [Theory]
    [InlineData("EUR", "1000000000000.00")]
    [InlineData("EUR", "99999999999999999999999.00")] // would overflow a long
    [InlineData("JPY", "1000000000000")]
    public void Too_many_digits_are_rejected(string currency, string value)
    {
        AssertRejected(currency, value, "value must have at most 12 digits before the decimal point");
    }

    [Fact]
    public void Currency_is_checked_before_value()
    {
        AssertRejected("eur", "-1", "currency must be upper case: \"EUR\", not \"eur\"");
    }

    [Fact]
    public void Failed_parse_leaves_the_default_amount()
    {
        Assert.False(Amount.TryParse("EUR", "24.9", out var amount, out _));

        Assert.Equal(default, amount);
        Assert.Equal("(no amount)", amount.ToString());
        Assert.Throws<InvalidOperationException>(() => amount.Currency);
    }

    private static string AssertRejected(string? currency, string? value, string? expected = null)
    {
        Assert.False(Amount.TryParse(currency, value, out _, out var error), $"{currency} \"{value}\" was accepted");
        Assert.NotNull(error);
        if (expected is not null)
        {
            Assert.Equal(expected, error);
        }

        return error;
    }
}
