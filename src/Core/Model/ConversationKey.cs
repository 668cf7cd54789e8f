using System.Security.Cryptography;
using System.Text;

namespace MessagingGateway.Core.Model;

/// <summary>
/// Derives the conversation id from (tenant, channel, business sender, customer address), so
/// inbound and outbound messages of one conversation meet on one partition without a lookup.
/// </summary>
public static class ConversationKey
{
    private const string Prefix = "cnv_";

    public static string Derive(string tenantId, Channel channel, string businessAddress, string customerAddress)
    {
        // Unit separators keep ("ab","c") and ("a","bc") apart.
        var material = string.Concat(tenantId, "\u001f", channel.ToWire(), "\u001f", businessAddress, "\u001f", customerAddress);
        var byteCount = Encoding.UTF8.GetByteCount(material);
        Span<byte> hash = stackalloc byte[32];
        if (byteCount <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[byteCount];
            Encoding.UTF8.GetBytes(material, utf8);
            SHA256.HashData(utf8, hash);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(material), hash);
        }

        return string.Create(Prefix.Length + 32, hash[..16].ToArray(), static (chars, bytes) =>
        {
            Prefix.AsSpan().CopyTo(chars);
            Convert.TryToHexStringLower(bytes, chars[Prefix.Length..], out _);
        });
    }

    /// <summary>True when the text has the shape of a conversation id (cheap check before any lookup).</summary>
    public static bool IsWellFormed(string? value)
    {
        if (value is null || value.Length != Prefix.Length + 32 || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value.AsSpan(Prefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
