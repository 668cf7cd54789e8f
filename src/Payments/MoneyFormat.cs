using System.Text;

namespace MessagingGateway.Payments;

/// <summary>
/// Amounts as people read them in a chat: Dutch <c>€ 1.234,50</c>, English <c>€1,234.50</c>.
/// Written by hand because the gateway runs with invariant globalization (no culture data).
/// </summary>
public static class MoneyFormat
{
    public static string Format(Amount amount, string locale)
    {
        var dutch = locale.StartsWith("nl", StringComparison.OrdinalIgnoreCase);
        var value = amount.FormatValue(); // "1234.50"
        var point = value.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? value : value[..point];
        var fraction = point < 0 ? "" : value[(point + 1)..];
        var grouped = new StringBuilder(whole.Length + 4);
        for (var i = 0; i < whole.Length; i++)
        {
            if (i > 0 && (whole.Length - i) % 3 == 0)
            {
                grouped.Append(dutch ? '.' : ',');
            }

            grouped.Append(whole[i]);
        }

        if (fraction.Length > 0)
        {
            grouped.Append(dutch ? ',' : '.').Append(fraction);
        }

        var symbol = amount.Currency switch
        {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "JPY" => "¥",
            _ => null,
        };
        return symbol is null ? $"{amount.Currency} {grouped}" : dutch ? $"{symbol} {grouped}" : $"{symbol}{grouped}";
    }
}
