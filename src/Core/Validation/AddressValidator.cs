using MessagingGateway.Core.Model;
using PhoneNumbers;

namespace MessagingGateway.Core.Validation;

/// <summary>
/// Checks and normalises the business and customer addresses of a channel: E.164 (libphonenumber)
/// where the channel is phone-based, the provider's id shape elsewhere.
/// </summary>
public static class AddressValidator
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Validates <paramref name="value"/> as the business side (<c>from</c> of a send).</summary>
    public static string? NormalizeBusiness(Channel channel, string value, out string? error) => channel switch
    {
        Channel.WhatsApp => NormalizePhone(value, out error),
        Channel.Sms => NormalizeSmsSender(value, out error),
        Channel.Rcs => Token(value, 128, "an RCS agent id", out error),
        Channel.Viber => Token(value, 64, "a Viber sender name or service id", out error),
        Channel.Messenger => Digits(value, "a Facebook page id", out error),
        Channel.Instagram => Digits(value, "an Instagram account id", out error),
        Channel.Telegram => Token(value, 64, "a Telegram bot username or id", out error),
        Channel.Apple => Token(value, 128, "an Apple Messages for Business id", out error),
        Channel.WeChat => Token(value, 64, "a WeChat official account id", out error),
        _ => Token(value, 64, "a sandbox address", out error),
    };

    /// <summary>Validates <paramref name="value"/> as the customer side (<c>to</c> of a send).</summary>
    public static string? NormalizeCustomer(Channel channel, string value, out string? error) => channel switch
    {
        Channel.WhatsApp or Channel.Sms or Channel.Rcs or Channel.Viber => NormalizePhone(value, out error),
        Channel.Messenger => Digits(value, "a page-scoped user id (PSID)", out error),
        Channel.Instagram => Digits(value, "an Instagram-scoped user id", out error),
        Channel.Telegram => TelegramChat(value, out error),
        Channel.Apple => Token(value, 256, "an Apple opaque customer id", out error),
        Channel.WeChat => Token(value, 64, "a WeChat OpenID", out error),
        _ => Token(value, 64, "a sandbox address", out error),
    };

    public static string? NormalizePhone(string value, out string? error)
    {
        error = null;
        if (value.Length is 0 or > 32 || value[0] != '+')
        {
            error = "must be a phone number in E.164 format, e.g. +31612345678";
            return null;
        }

        try
        {
            var number = Phones.Parse(value, null);
            if (Phones.IsValidNumber(number))
            {
                return Phones.Format(number, PhoneNumberFormat.E164);
            }
        }
        catch (NumberParseException)
        {
            // Falls through to the same message as an invalid number.
        }

        error = "is not a valid phone number (E.164, e.g. +31612345678)";
        return null;
    }

    private static string? NormalizeSmsSender(string value, out string? error)
    {
        if (value.StartsWith('+'))
        {
            return NormalizePhone(value, out error);
        }

        error = null;
        var allDigits = value.Length > 0 && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
        if (allDigits && value.Length is >= 3 and <= 8)
        {
            return value; // short code
        }

        // Alphanumeric sender id: at most 11 characters, at least one letter (GSM 03.40).
        var alnum = value.Length is >= 1 and <= 11 && !allDigits;
        foreach (var c in value)
        {
            alnum &= char.IsAsciiLetterOrDigit(c) || c == ' ';
        }

        if (alnum)
        {
            return value;
        }

        error = "must be an E.164 number, a 3–8 digit short code, or an alphanumeric sender id of at most 11 characters";
        return null;
    }

    private static string? Digits(string value, string what, out string? error)
    {
        if (value.Length is >= 1 and <= 32 && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
        {
            error = null;
            return value;
        }

        error = $"must be {what} (1–32 digits)";
        return null;
    }

    private static string? TelegramChat(string value, out string? error)
    {
        var span = value.AsSpan();
        var number = span.StartsWith("-") ? span[1..] : span;
        if (number.Length is >= 1 and <= 20 && number.IndexOfAnyExceptInRange('0', '9') < 0)
        {
            error = null;
            return value;
        }

        if (value.Length is >= 2 and <= 33 && value[0] == '@' && IsToken(span[1..]))
        {
            error = null;
            return value;
        }

        error = "must be a Telegram chat id (an integer) or @channelusername";
        return null;
    }

    private static string? Token(string value, int maxLength, string what, out string? error)
    {
        if (value.Length >= 1 && value.Length <= maxLength && IsToken(value))
        {
            error = null;
            return value;
        }

        error = $"must be {what}: 1–{maxLength} characters of letters, digits and + - _ . @ :";
        return null;
    }

    private static bool IsToken(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '_' or '.' or '@' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
