using System.Collections.Frozen;

namespace MessagingGateway.Payments;

/// <summary>
/// The currencies Mollie accepts for payments, with the number of decimals its amount strings must
/// carry. Mollie's multicurrency table, not ISO 4217's minor units: HUF and TWD take 2 decimals
/// at Mollie (it rounds for PayPal itself), ISK and JPY take none.
/// </summary>
internal static class CurrencyTable
{
    // Older versions of Mollie's table also list BGN, HRK and RUB. The current one drops BGN and HRK
    // (both countries adopted the euro). RUB is left out here until Mollie is seen to accept it.
    private static readonly FrozenDictionary<string, int> Decimals = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AED"] = 2,
        ["AUD"] = 2,
        ["BRL"] = 2,
        ["CAD"] = 2,
        ["CHF"] = 2,
        ["CZK"] = 2,
        ["DKK"] = 2,
        ["EUR"] = 2,
        ["GBP"] = 2,
        ["HKD"] = 2,
        ["HUF"] = 2,
        ["ILS"] = 2,
        ["ISK"] = 0,
        ["JPY"] = 0,
        ["MXN"] = 2,
        ["MYR"] = 2,
        ["NOK"] = 2,
        ["NZD"] = 2,
        ["PHP"] = 2,
        ["PLN"] = 2,
        ["RON"] = 2,
        ["SEK"] = 2,
        ["SGD"] = 2,
        ["THB"] = 2,
        ["TWD"] = 2,
        ["USD"] = 2,
        ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every supported code in alphabetical order, for error messages.</summary>
    public static string SupportedCodes { get; } = string.Join(", ", Decimals.Keys.Order(StringComparer.Ordinal));

    public static bool TryGetDecimals(string? currency, out int decimals)
    {
        decimals = 0;
        return currency is not null && Decimals.TryGetValue(currency, out decimals);
    }

    /// <summary>Three upper-case ASCII letters: the shape of an ISO 4217 alphabetic code.</summary>
    public static bool IsIsoShaped(string currency) =>
        currency.Length == 3 && char.IsAsciiLetterUpper(currency[0]) && char.IsAsciiLetterUpper(currency[1]) && char.IsAsciiLetterUpper(currency[2]);
}
