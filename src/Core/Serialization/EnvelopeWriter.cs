using System.Buffers.Binary;
using System.Text;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// Writes the binary envelope layout (see <see cref="EnvelopeLayout"/>). Made twice per record:
/// once without a buffer to count the bytes, once into a buffer of exactly that size, so a record
/// is one allocation and no copy.
/// </summary>
internal ref struct EnvelopeWriter
{
    private readonly Span<byte> _buffer;
    private readonly bool _counting;

    private EnvelopeWriter(Span<byte> buffer, bool counting)
    {
        _buffer = buffer;
        _counting = counting;
    }

    /// <summary>Bytes written (or counted) so far.</summary>
    public int Length { get; private set; }

    public static EnvelopeWriter Counter() => new(default, counting: true);

    public static EnvelopeWriter Into(Span<byte> buffer) => new(buffer, counting: false);

    /// <summary>Writes <paramref name="value"/> twice: counting, then into an array of exactly that size.</summary>
    public static byte[] ToArray<T>(T value, Layout<T> write)
    {
        var counter = Counter();
        write(ref counter, value);
        var bytes = new byte[counter.Length];
        var writer = Into(bytes);
        write(ref writer, value);
        return bytes;
    }

    public void WriteByte(byte value)
    {
        if (!_counting)
        {
            _buffer[Length] = value;
        }

        Length++;
    }

    /// <summary>An unsigned LEB128 number: one byte below 128, as in <c>BinaryWriter.Write7BitEncodedInt</c>.</summary>
    public void WriteCount(int value)
    {
        var rest = (uint)value;
        while (rest >= 0x80)
        {
            WriteByte((byte)(rest | 0x80));
            rest >>= 7;
        }

        WriteByte((byte)rest);
    }

    public void WriteGuid(Guid value)
    {
        if (!_counting)
        {
            value.TryWriteBytes(_buffer.Slice(Length, 16));
        }

        Length += 16;
    }

    /// <summary>UTC ticks and the offset in minutes, so the value reads back exactly as it was.</summary>
    public void WriteTime(DateTimeOffset value)
    {
        if (!_counting)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.Slice(Length, 8), value.UtcTicks);
            BinaryPrimitives.WriteInt16LittleEndian(_buffer.Slice(Length + 8, 2), (short)value.Offset.TotalMinutes);
        }

        Length += 10;
    }

    /// <summary>A string or null: its UTF-8 length plus one (0 = null), then its bytes.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(0);
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        WriteCount(bytes + 1);
        if (!_counting)
        {
            Encoding.UTF8.GetBytes(value, _buffer.Slice(Length, bytes));
        }

        Length += bytes;
    }

    /// <summary>A list's count plus one (0 = null); its items follow.</summary>
    public void WriteListCount<T>(List<T>? list) => WriteCount(list is null ? 0 : list.Count + 1);

    /// <summary>Whether an optional part follows (1) or not (0).</summary>
    public bool WritePresence<T>(T? value)
        where T : class
    {
        WriteByte(value is null ? (byte)0 : (byte)1);
        return value is not null;
    }

    /// <summary>A presence flag, then the time if there is one.</summary>
    public void WriteOptionalTime(DateTimeOffset? value)
    {
        WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is { } time)
        {
            WriteTime(time);
        }
    }
}

/// <summary>Writes a value in a layout built on <see cref="EnvelopeWriter"/>.</summary>
internal delegate void Layout<in T>(ref EnvelopeWriter writer, T value);
