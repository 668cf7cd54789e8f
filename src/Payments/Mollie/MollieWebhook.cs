using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace MessagingGateway.Payments.Mollie;

/// <summary>
/// Mollie's classic webhook: a form-encoded POST whose body is only <c>id=tr_…</c>, with no
/// signature and no status. The id is a hint to fetch the payment with the tenant's key, nothing more.
/// </summary>
public static class MollieWebhook
{
    /// <summary>Longest body worth reading: <c>id=tr_</c> and 64 characters, with room for other fields.</summary>
    public const int MaxBodyLength = 1024;

    private const string PaymentPrefix = "tr_";
    private const int MaxTokenLength = 64;

    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>
    /// Reads the payment id from an <c>application/x-www-form-urlencoded</c> body such as
    /// <c>id=tr_WDqYK6vllg</c>. False unless there is exactly one <c>id</c>, it is <c>tr_</c>
    /// followed by 1 to 64 ASCII letters or digits, and the body is at most <see cref="MaxBodyLength"/> characters.
    /// </summary>
    public static bool TryReadPaymentId(string? formBody, [NotNullWhen(true)] out string? id)
    {
        id = null;
        if (string.IsNullOrEmpty(formBody) || formBody.Length > MaxBodyLength)
        {
            return false;
        }

        string? found = null;
        foreach (var range in formBody.AsSpan().Split('&'))
        {
            var pair = formBody.AsSpan(range);
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            if (!Decode(name).Equals("id", StringComparison.Ordinal))
            {
                continue;
            }

            if (found is not null || equals < 0)
            {
                return false; // a second id, or an id without a value
            }

            found = Decode(pair[(equals + 1)..]);
        }

        if (found is null || !IsPaymentId(found))
        {
            return false;
        }

        id = found;
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is <c>tr_</c> followed by 1 to 64 ASCII letters or digits.</summary>
    public static bool IsPaymentId(string? text)
    {
        if (text is null || !text.StartsWith(PaymentPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var token = text.AsSpan(PaymentPrefix.Length);
        return token.Length is > 0 and <= MaxTokenLength && !token.ContainsAnyExcept(TokenCharacters);
    }

    // Invalid escapes stay as they are, so junk never matches a payment id.
    private static string Decode(ReadOnlySpan<char> encoded) => Uri.UnescapeDataString(encoded.ToString().Replace('+', ' '));
}
