using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MessagingGateway.Payments;

/// <summary>
/// A sum of money in one currency, kept as a whole number of the currency's minor units (cents for
/// EUR, yen for JPY) so that nothing is ever rounded. It reads and writes Mollie's v2 amount shape,
/// <c>{"currency":"EUR","value":"24.95"}</c>, where the value string has exactly as many decimals
/// as the currency takes. Amounts are never negative: every amount the gateway sends (payment,
/// payment link, refund) is zero or more.
/// </summary>
public readonly record struct Amount : IComparable<Amount>
{
    /// <summary>
    /// Digits allowed before the decimal point: far above any Mollie method's maximum, and small
    /// enough that adding two amounts can never overflow a <see cref="long"/>.
    /// </summary>
    public const int MaxIntegerDigits = 12;

    private readonly string? _currency;

    /// <summary>An amount of <paramref name="minorUnits"/> (e.g. 2495 for EUR 24.95) in a currency Mollie supports.</summary>
    public Amount(string currency, long minorUnits)
    {
        if (!CurrencyTable.TryGetDecimals(currency, out var decimals))
        {
            throw new ArgumentException($"Currency \"{currency}\" is not one Mollie supports ({CurrencyTable.SupportedCodes}).", nameof(currency));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(minorUnits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minorUnits, MaxMinorUnits(decimals));
        _currency = currency;
        MinorUnits = minorUnits;
    }

    /// <summary>The ISO 4217 code, upper case (<c>EUR</c>).</summary>
    public string Currency => _currency ?? throw NotAnAmount();

    /// <summary>The value in the currency's smallest unit: 2495 for EUR 24.95, 2495 for JPY 2495.</summary>
    public long MinorUnits { get; }

    /// <summary>How many decimals the currency's value string carries (2 for EUR, 0 for JPY).</summary>
    public int Decimals => CurrencyTable.TryGetDecimals(Currency, out var decimals) ? decimals : throw NotAnAmount();

    public static bool operator <(Amount left, Amount right) => left.CompareTo(right) < 0;

    public static bool operator <=(Amount left, Amount right) => left.CompareTo(right) <= 0;

    public static bool operator >(Amount left, Amount right) => left.CompareTo(right) > 0;

    public static bool operator >=(Amount left, Amount right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// Reads Mollie's <c>currency</c> and <c>value</c> strictly, so that what is accepted formats
    /// back to the same string. On failure <paramref name="error"/> says what is wrong and how to
    /// write it instead, phrased to follow a field name (e.g. <c>amount.value</c>).
    /// </summary>
    public static bool TryParse(string? currency, string? value, out Amount amount, [NotNullWhen(false)] out string? error)
    {
        amount = default;
        error = CheckCurrency(currency, out var decimals);
        if (error is not null)
        {
            return false;
        }

        error = ParseValue(currency!, decimals, value, out var minorUnits);
        if (error is not null)
        {
            return false;
        }

        amount = new Amount(currency!, minorUnits);
        return true;
    }

    /// <summary>The value string Mollie expects: <c>"24.95"</c> for EUR, <c>"2495"</c> for JPY.</summary>
    public string FormatValue()
    {
        var decimals = Decimals;
        if (decimals == 0)
        {
            return MinorUnits.ToString(CultureInfo.InvariantCulture);
        }

        var scale = Pow10(decimals);
        var whole = MinorUnits / scale;
        var fraction = MinorUnits % scale;
        return whole.ToString(CultureInfo.InvariantCulture) + "." + fraction.ToString("D" + decimals, CultureInfo.InvariantCulture);
    }

    /// <exception cref="ArgumentException">The currencies differ.</exception>
    /// <exception cref="OverflowException">The sum has more than <see cref="MaxIntegerDigits"/> integer digits.</exception>
    public Amount Add(Amount other)
    {
        RequireSameCurrency(other, "add");
        var sum = MinorUnits + other.MinorUnits; // each is below 10^15, so no long overflow
        if (sum > MaxMinorUnits(Decimals))
        {
            throw new OverflowException($"{this} + {other} has more than {MaxIntegerDigits} digits before the decimal point.");
        }

        return new Amount(Currency, sum);
    }

    /// <exception cref="ArgumentException">The currencies differ.</exception>
    /// <exception cref="InvalidOperationException">The result would be negative (e.g. refunding more than remains).</exception>
    public Amount Subtract(Amount other)
    {
        RequireSameCurrency(other, "subtract");
        if (other.MinorUnits > MinorUnits)
        {
            throw new InvalidOperationException($"{this} - {other} would be negative, and amounts are never negative.");
        }

        return new Amount(Currency, MinorUnits - other.MinorUnits);
    }

    /// <summary>Orders amounts of the same currency; amounts of different currencies have no order.</summary>
    /// <exception cref="ArgumentException">The currencies differ.</exception>
    public int CompareTo(Amount other)
    {
        RequireSameCurrency(other, "compare");
        return MinorUnits.CompareTo(other.MinorUnits);
    }

    /// <summary>For logs and messages: <c>EUR 24.95</c>.</summary>
    public override string ToString() => _currency is null ? "(no amount)" : $"{_currency} {FormatValue()}";

    private void RequireSameCurrency(Amount other, string operation)
    {
        if (!string.Equals(Currency, other.Currency, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Cannot {operation} {this} and {other}: the currencies differ.", nameof(other));
        }
    }

    private static string? CheckCurrency(string? currency, out int decimals)
    {
        decimals = 0;
        if (string.IsNullOrEmpty(currency))
        {
            return "currency is required, e.g. \"EUR\"";
        }

        if (!CurrencyTable.IsIsoShaped(currency))
        {
            // Echo the code back only when it is short enough to be a typo of one.
            return currency.Length == 3 && CurrencyTable.IsIsoShaped(currency.ToUpperInvariant())
                ? $"currency must be upper case: \"{currency.ToUpperInvariant()}\", not \"{currency}\""
                : "currency must be a three-letter ISO 4217 code such as \"EUR\"";
        }

        return CurrencyTable.TryGetDecimals(currency, out decimals)
            ? null
            : $"currency \"{currency}\" is not supported by Mollie; use one of {CurrencyTable.SupportedCodes}";
    }

    private static string? ParseValue(string currency, int decimals, string? value, out long minorUnits)
    {
        minorUnits = 0;
        var example = decimals == 0 ? "2495" : "24." + "95".PadRight(decimals, '0')[..decimals];
        if (string.IsNullOrEmpty(value))
        {
            return $"value is required, as a string such as \"{example}\"";
        }

        if (value.Any(char.IsWhiteSpace))
        {
            return "value must not contain spaces or other whitespace";
        }

        switch (value[0])
        {
            case '-':
                return "value must not be negative";
            case '+':
                return $"value must not start with '+'; write the number alone, e.g. \"{example}\"";
            default:
                break;
        }

        if (value.AsSpan().ContainsAny('e', 'E'))
        {
            return "value must be written out in digits, not in exponent notation such as \"1e3\"";
        }

        if (value.Contains(',', StringComparison.Ordinal))
        {
            return $"value must use '.' as the decimal separator and no thousands separators, e.g. \"1234{(decimals == 0 ? string.Empty : example[2..])}\"";
        }

        var point = value.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point < 0 ? value.AsSpan() : value.AsSpan(0, point);
        var fractionPart = point < 0 ? [] : value.AsSpan(point + 1);
        if (integerPart.ContainsAnyExceptInRange('0', '9') || fractionPart.ContainsAnyExceptInRange('0', '9'))
        {
            return $"value must contain only digits and at most one '.', e.g. \"{example}\"";
        }

        if (integerPart.IsEmpty)
        {
            return $"value needs a digit before the decimal point, e.g. \"0{(decimals == 0 ? string.Empty : example[2..])}\"";
        }

        if (integerPart.Length > 1 && integerPart[0] == '0')
        {
            return "value must not have leading zeros";
        }

        if (integerPart.Length > MaxIntegerDigits)
        {
            return $"value must have at most {MaxIntegerDigits} digits before the decimal point";
        }

        if (decimals == 0 && point >= 0)
        {
            return $"value must be a whole number for {currency}, which has no decimals, e.g. \"{example}\"";
        }

        if (decimals > 0 && (point < 0 || fractionPart.Length != decimals))
        {
            // A short fraction has an obvious fix worth spelling out; a long one may need rounding, which is the caller's call.
            return point < 0 || fractionPart.Length < decimals
                ? $"value must have exactly {decimals} decimals for {currency}: write \"{integerPart}.{fractionPart.ToString().PadRight(decimals, '0')}\""
                : $"value must have exactly {decimals} decimals for {currency}, e.g. \"{example}\"";
        }

        minorUnits = long.Parse(integerPart, NumberStyles.None, CultureInfo.InvariantCulture) * Pow10(decimals);
        if (!fractionPart.IsEmpty)
        {
            minorUnits += long.Parse(fractionPart, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static long MaxMinorUnits(int decimals) => (Pow10(MaxIntegerDigits) * Pow10(decimals)) - 1;

    private static long Pow10(int exponent)
    {
        var result = 1L;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static InvalidOperationException NotAnAmount() =>
        new("default(Amount) holds no currency; create amounts with Amount.TryParse or the constructor.");
}
