using System.Buffers.Binary;
using System.Buffers.Text;

namespace MessagingGateway.Gateway.Http;

/// <summary>
/// An opaque page cursor: the last sequence (timeline, event stream) a page returned, base64url-encoded so
/// clients treat it as a token rather than a number to compute with.
/// </summary>
internal static class PageCursor
{
    public static string Encode(long seq)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, seq);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? cursor, out long seq)
    {
        seq = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[9];
        if (cursor.Length != 11 || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 8)
        {
            return false;
        }

        seq = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return seq >= 0;
    }

    /// <summary>A cursor over rows keyed by (partition, sequence), like dead letters.</summary>
    public static string Encode(int partition, long seq)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt32BigEndian(bytes, partition);
        BinaryPrimitives.WriteInt64BigEndian(bytes[4..], seq);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? cursor, out int partition, out long seq)
    {
        partition = 0;
        seq = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[13];
        if (cursor.Length != 16 || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 12)
        {
            return false;
        }

        partition = BinaryPrimitives.ReadInt32BigEndian(bytes);
        seq = BinaryPrimitives.ReadInt64BigEndian(bytes[4..]);
        return partition >= 0 && seq >= 0;
    }
}
