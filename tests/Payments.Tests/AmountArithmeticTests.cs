namespace MessagingGateway.Payments.Tests;

public class AmountArithmeticTests
{
    private static readonly Amount TwentyFourNinetyFive = new("EUR", 2495);
    private static readonly Amount FiveNinetyFive = new("EUR", 595);

    [Fact]
    public void Add_sums_minor_units_exactly()
    {
        var sum = Parse("EUR", "0.10").Add(Parse("EUR", "0.20"));

        Assert.Equal("0.30", sum.FormatValue()); // where 0.1 + 0.2 in binary floating point is not 0.3
        Assert.Equal(Parse("EUR", "30.90"), TwentyFourNinetyFive.Add(FiveNinetyFive));
    }

    [Fact]
    public void Subtract_gives_what_remains()
    {
        var remaining = TwentyFourNinetyFive.Subtract(FiveNinetyFive);

        Assert.Equal(new Amount("EUR", 1900), remaining);
        Assert.Equal("19.00", remaining.FormatValue());
        Assert.Equal(new Amount("EUR", 0), TwentyFourNinetyFive.Subtract(TwentyFourNinetyFive));
    }

    [Fact]
    public void Add_and_subtract_reject_a_currency_mismatch()
    {
        var pounds = new Amount("GBP", 595);

        var add = Assert.Throws<ArgumentException>(() => TwentyFourNinetyFive.Add(pounds));
        var subtract = Assert.Throws<ArgumentException>(() => TwentyFourNinetyFive.Subtract(pounds));

        Assert.Equal("other", add.ParamName);
        Assert.StartsWith("Cannot add EUR 24.95 and GBP 5.95: the currencies differ.", add.Message, StringComparison.Ordinal);
        Assert.StartsWith("Cannot subtract EUR 24.95 and GBP 5.95: the currencies differ.", subtract.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_minor_units_in_another_currency_are_not_equal()
    {
        Assert.NotEqual(new Amount("EUR", 595), new Amount("USD", 595));
    }

    [Fact]
    public void Subtracting_more_than_there_is_throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => FiveNinetyFive.Subtract(TwentyFourNinetyFive));

        Assert.Equal("EUR 5.95 - EUR 24.95 would be negative, and amounts are never negative.", ex.Message);
    }

    [Fact]
    public void Add_past_the_largest_amount_throws()
    {
        var largest = Parse("EUR", "999999999999.99");

        Assert.Throws<OverflowException>(() => largest.Add(new Amount("EUR", 1)));
        Assert.Equal(largest, largest.Add(new Amount("EUR", 0)));
    }

    [Fact]
    public void Yen_arithmetic_stays_in_whole_yen()
    {
        var sum = Parse("JPY", "1500").Add(Parse("JPY", "999"));

        Assert.Equal("2499", sum.FormatValue());
    }

    [Fact]
    public void CompareTo_orders_within_a_currency()
    {
        Assert.True(FiveNinetyFive.CompareTo(TwentyFourNinetyFive) < 0);
        Assert.True(TwentyFourNinetyFive.CompareTo(FiveNinetyFive) > 0);
        Assert.Equal(0, FiveNinetyFive.CompareTo(new Amount("EUR", 595)));
        Assert.True(FiveNinetyFive < TwentyFourNinetyFive);
        Assert.True(FiveNinetyFive <= new Amount("EUR", 595));
        Assert.True(TwentyFourNinetyFive > FiveNinetyFive);
        Assert.True(TwentyFourNinetyFive >= FiveNinetyFive);
    }

    [Fact]
    public void Sorting_uses_the_amount_not_the_string()
    {
        var sorted = new[] { Parse("EUR", "100.00"), Parse("EUR", "9.99"), Parse("EUR", "20.00") }.Order().Select(a => a.FormatValue());

        Assert.Equal(["9.99", "20.00", "100.00"], sorted);
    }

    [Fact]
    public void CompareTo_rejects_a_currency_mismatch()
    {
        var ex = Assert.Throws<ArgumentException>(() => FiveNinetyFive.CompareTo(new Amount("USD", 595)));

        Assert.StartsWith("Cannot compare EUR 5.95 and USD 5.95: the currencies differ.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FiveNinetyFive < new Amount("USD", 595));
    }

    private static Amount Parse(string currency, string value)
    {
        Assert.True(Amount.TryParse(currency, value, out var amount, out var error), error);
        return amount;
    }
}
