using System.Buffers.Binary;
using System.Text;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// Reads the binary envelope layout (see <see cref="EnvelopeLayout"/>). Every read checks the
/// bounds: a truncated or damaged record is an <see cref="InvalidDataException"/>, never a crash.
/// </summary>
internal ref struct EnvelopeReader(ReadOnlySpan<byte> source)
{
    /// <summary>Longest list a record may claim: far beyond any valid message, short of a memory bomb.</summary>
    private const int MaxCount = 1 << 20;

    private readonly ReadOnlySpan<byte> _source = source;
    private int _position;

    public readonly bool AtEnd => _position == _source.Length;

    public byte ReadByte()
    {
        if (_position >= _source.Length)
        {
            throw Truncated();
        }

        return _source[_position++];
    }

    public int ReadCount()
    {
        var value = 0u;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value <= MaxCount ? (int)value : throw new InvalidDataException("A log record claims an impossibly long field.");
            }
        }

        throw new InvalidDataException("A log record holds a malformed number.");
    }

    public Guid ReadGuid() => new(Take(16));

    public DateTimeOffset ReadTime()
    {
        var bytes = Take(10);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(bytes[8..]);
        try
        {
            var offset = TimeSpan.FromMinutes(offsetMinutes);
            return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("A log record holds an impossible time.", ex);
        }
    }

    public string? ReadNullableString()
    {
        var length = ReadCount();
        return length == 0 ? null : Encoding.UTF8.GetString(Take(length - 1));
    }

    public string ReadString() => ReadNullableString() ?? throw new InvalidDataException("A log record lacks a required field.");

    /// <summary>A list's item count, or -1 for null; every item takes a byte at least, so a count beyond the rest is damage.</summary>
    public int ReadListCount()
    {
        var count = ReadCount() - 1;
        return count <= _source.Length - _position ? count : throw Truncated();
    }

    /// <summary>Whether a record or row was written as JSON, before the binary layouts: those start with '{'.</summary>
    public static bool IsJson(ReadOnlySpan<byte> value) => !value.IsEmpty && value[0] == (byte)'{';

    /// <summary>Reads a layout's leading format byte; any other than <paramref name="format"/> is an <see cref="InvalidDataException"/> naming <paramref name="what"/>.</summary>
    public void ReadFormat(byte format, string what)
    {
        if (ReadByte() != format)
        {
            throw new InvalidDataException(what + " has a format this version cannot read.");
        }
    }

    /// <summary>What <see cref="EnvelopeWriter.WriteOptionalTime"/> wrote.</summary>
    public DateTimeOffset? ReadOptionalTime() => ReadPresence() ? ReadTime() : null;

    public bool ReadPresence() => ReadByte() switch
    {
        0 => false,
        1 => true,
        _ => throw new InvalidDataException("A log record holds a malformed presence flag."),
    };

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _source.Length - _position)
        {
            throw Truncated();
        }

        var slice = _source.Slice(_position, length);
        _position += length;
        return slice;
    }

    private static InvalidDataException Truncated() => new("A log record ends early.");
}
