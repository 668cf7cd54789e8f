namespace MessagingGateway.Channels.Cm;

/// <summary>Phone numbers between our E.164 (<c>+31612345678</c>) and CM's form (<c>0031612345678</c>, no <c>+</c>).</summary>
internal static class CmNumbers
{
    /// <summary><c>+31612345678</c> as <c>0031612345678</c>; anything else (already <c>00…</c>) as is.</summary>
    public static string ToCm(string e164) => e164.StartsWith('+') ? "00" + e164[1..] : e164;

    /// <summary>A sender: a number as <c>00…</c>, an alphanumeric name as is.</summary>
    public static string SenderToCm(string sender) => sender.StartsWith('+') ? "00" + sender[1..] : sender;

    /// <summary>CM's <c>+316…</c>, <c>00316…</c> or <c>316…</c> as E.164 with <c>+</c>; null when it is not a number.</summary>
    public static string? ToE164(string? number)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            return null;
        }

        var digits = number.Trim();
        if (digits.StartsWith('+'))
        {
            digits = digits[1..];
        }
        else if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        return digits.Length is >= 3 and <= 15 && digits.All(char.IsAsciiDigit) && digits[0] != '0' ? "+" + digits : null;
    }
}
