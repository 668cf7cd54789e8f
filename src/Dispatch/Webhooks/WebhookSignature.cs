using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// Standard Webhooks signatures: HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>,
/// sent as <c>v1,&lt;base64&gt;</c> entries separated by spaces, one per active secret, so a
/// receiver keeps verifying while a tenant rotates its secret.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private const string Version = "v1,";
    private const int HashBytes = HMACSHA256.HashSizeInBytes;
    private const int HashBase64Chars = (HashBytes + 2) / 3 * 4;
    private const int EntryChars = 3 + HashBase64Chars; // "v1," + base64
    private const int MaxTimestampDigits = 20;

    // Typical event bodies fit on the stack; larger ones borrow from the pool.
    private const int StackContentBytes = 1024;
    private const int StackHeaderChars = 256;

    /// <summary>
    /// The <c>webhook-signature</c> header value: one <c>v1,</c> entry per secret, in order.
    /// <paramref name="timestamp"/> is Unix seconds.
    /// </summary>
    public static string Sign(IReadOnlyList<WebhookSecret> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed to sign a webhook.", nameof(secrets));
        }

        if (!IsValidId(id))
        {
            throw new ArgumentException("A webhook id must be non-empty and contain no '.', which delimits the signed content.", nameof(id));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);

        var contentCapacity = SignedContentCapacity(id, body);
        byte[]? rentedContent = null;
        var content = contentCapacity <= StackContentBytes
            ? stackalloc byte[StackContentBytes]
            : (rentedContent = ArrayPool<byte>.Shared.Rent(contentCapacity));

        var headerLength = (secrets.Count * (EntryChars + 1)) - 1;
        char[]? rentedHeader = null;
        var header = headerLength <= StackHeaderChars
            ? stackalloc char[StackHeaderChars]
            : (rentedHeader = ArrayPool<char>.Shared.Rent(headerLength));
        try
        {
            content = content[..WriteSignedContent(content, id, timestamp, body)];
            Span<byte> hash = stackalloc byte[HashBytes];
            var position = 0;
            for (var i = 0; i < secrets.Count; i++)
            {
                if (i > 0)
                {
                    header[position++] = ' ';
                }

                Version.CopyTo(header[position..]);
                position += Version.Length;
                HMACSHA256.HashData(secrets[i].Key, content, hash);
                Convert.TryToBase64Chars(hash, header[position..], out var written);
                position += written;
            }

            return new string(header[..position]);
        }
        finally
        {
            if (rentedContent is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedContent);
            }

            if (rentedHeader is not null)
            {
                ArrayPool<char>.Shared.Return(rentedHeader);
            }
        }
    }

    /// <summary>
    /// True when any <c>v1,</c> entry of <paramref name="signatureHeader"/> is the signature of
    /// this id, timestamp and body under <paramref name="secret"/>. Entries of other versions
    /// (such as <c>v1a,</c>) and malformed entries are skipped; it never throws on bad input.
    /// Checking the timestamp's age is the caller's concern.
    /// </summary>
    public static bool Verify(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body, string signatureHeader)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(signatureHeader) || !IsValidId(id) || timestamp < 0)
        {
            return false;
        }

        var contentCapacity = SignedContentCapacity(id, body);
        byte[]? rentedContent = null;
        var content = contentCapacity <= StackContentBytes
            ? stackalloc byte[StackContentBytes]
            : (rentedContent = ArrayPool<byte>.Shared.Rent(contentCapacity));
        try
        {
            content = content[..WriteSignedContent(content, id, timestamp, body)];
            Span<byte> expected = stackalloc byte[HashBytes];
            HMACSHA256.HashData(secret.Key, content, expected);

            // One spare byte: a longer signature then fails to decode instead of being truncated.
            Span<byte> candidate = stackalloc byte[HashBytes + 1];
            var header = signatureHeader.AsSpan();
            foreach (var range in header.Split(' '))
            {
                var entry = header[range];
                if (entry.StartsWith(Version, StringComparison.Ordinal)
                    && Convert.TryFromBase64Chars(entry[Version.Length..], candidate, out var written)
                    && written == HashBytes
                    && CryptographicOperations.FixedTimeEquals(candidate[..HashBytes], expected))
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            if (rentedContent is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedContent);
            }
        }
    }

    // A '.' in the id would let id and body trade bytes and still sign the same content.
    private static bool IsValidId(string? id) => !string.IsNullOrEmpty(id) && !id.Contains('.', StringComparison.Ordinal);

    private static int SignedContentCapacity(string id, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetByteCount(id) + 1 + MaxTimestampDigits + 1 + body.Length;

    private static int WriteSignedContent(Span<byte> destination, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var position = Encoding.UTF8.GetBytes(id, destination);
        destination[position++] = (byte)'.';
        timestamp.TryFormat(destination[position..], out var written, default, CultureInfo.InvariantCulture);
        position += written;
        destination[position++] = (byte)'.';
        body.CopyTo(destination[position..]);
        return position + body.Length;
    }
}
