using System.Buffers;
using System.Buffers.Text;

namespace MessagingGateway.Gateway.Webhooks;

/// <summary>
/// Where a reader of the event stream is: the last sequence it has of each log partition's stream
/// (events are numbered per partition, by the partition's owner). Written as an opaque token: a
/// format byte, then (partition, sequence) pairs as varints for the partitions it has read,
/// base64url-encoded.
/// </summary>
internal sealed class EventCursor
{
    private const byte Format = 1;

    private readonly long[] _positions;

    private EventCursor(long[] positions) => _positions = positions;

    public int PartitionCount => _positions.Length;

    public long this[int partition] => _positions[partition];

    public static EventCursor Start(int partitionCount) => new(new long[partitionCount]);

    /// <summary>The cursor after taking events up to <paramref name="seq"/> in <paramref name="partition"/>.</summary>
    public void Advance(int partition, long seq) => _positions[partition] = Math.Max(_positions[partition], seq);

    public string Encode()
    {
        var bytes = new ArrayBufferWriter<byte>(16);
        bytes.GetSpan(1)[0] = Format;
        bytes.Advance(1);
        for (var partition = 0; partition < _positions.Length; partition++)
        {
            if (_positions[partition] > 0)
            {
                WriteVarint(bytes, (ulong)partition);
                WriteVarint(bytes, (ulong)_positions[partition]);
            }
        }

        return Base64Url.EncodeToString(bytes.WrittenSpan);
    }

    /// <summary>False for a token this endpoint did not write (or wrote for more partitions than the log has).</summary>
    public static bool TryDecode(string? token, int partitionCount, out EventCursor cursor)
    {
        cursor = Start(partitionCount);
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        if (token.Length > Base64Url.GetEncodedLength(1 + (partitionCount * 15)))
        {
            return false;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        if (!Base64Url.TryDecodeFromChars(token, bytes, out var written) || written < 1 || bytes[0] != Format)
        {
            return false;
        }

        var rest = bytes.AsSpan(1, written - 1);
        var previous = -1L;
        while (!rest.IsEmpty)
        {
            // Partitions ascend, each once; positions are sequences (≥ 1).
            if (!TryReadVarint(ref rest, out var partition) || !TryReadVarint(ref rest, out var seq)
                || partition >= (ulong)partitionCount || (long)partition <= previous || seq is 0 or > long.MaxValue)
            {
                return false;
            }

            cursor._positions[(int)partition] = (long)seq;
            previous = (long)partition;
        }

        return true;
    }

    private static void WriteVarint(ArrayBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        writer.Advance(length);
    }

    private static bool TryReadVarint(ref Span<byte> bytes, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < bytes.Length; i++)
        {
            value |= (ulong)(bytes[i] & 0x7f) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                bytes = bytes[(i + 1)..];
                return true;
            }
        }

        return false;
    }
}
