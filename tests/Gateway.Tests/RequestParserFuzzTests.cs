using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Messages;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// A bounded fuzz of the request parsers (FsCheck): valid requests mutated byte by byte and with
/// hostile tokens, fed as one span and split across segments. Whatever the input, the parsers
/// and the validator return a request or a problem; they never throw.
/// </summary>
public sealed class RequestParserFuzzTests
{
    private const int Iterations = 20_000;

    private static readonly string[] Seeds =
    [
        """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"text","text":"Je bestelling is onderweg."},"metadata":{"orderId":"A-1001"}}""",
        """{"channel":"sms","from":"Webshop","to":"+31612345678","content":{"type":"text","text":"Uw pakket komt morgen."}}""",
        """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"interactive","body":"Wanneer?","buttons":[{"id":"mon","title":"Maandag"},{"id":"tue","title":"Dinsdag"}]}}""",
        """{"channel":"telegram","from":"shopbot","to":"123456","content":{"type":"media","url":"https://example.com/a.jpg","caption":"x"}}""",
        """{"channel":"whatsapp","from":"+31850000000","to":"+31612345678","content":{"type":"template","name":"order_update","language":"nl","parameters":["A-1001"]}}""",
        """{"messages":[{"channel":"sms","from":"Webshop","to":"+31612345678","content":{"type":"text","text":"a"}},{"channel":"sandbox","from":"+31850000000","to":"0612","content":{"type":"text","text":"b"}}]}""",
    ];

    private static readonly string[] Tokens =
    [
        "\\ud800", "\\udfff", "\\u0000", "\\", "\"", "{", "}", "[", "]", ":", ",", "null", "true", "1e999", "-0", "18446744073709551616",
        "\"messages\"", "\"content\"", "\"type\"", "\"buttons\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "\u00e9", "\ud83d\ude00", "\t\r\n ",
    ];

    [Fact]
    public void The_single_message_parser_never_throws()
    {
        Prop.ForAll(Inputs().ToArbitrary(), input =>
        {
            foreach (var body in Shapes(input))
            {
                var request = SendRequestParser.ParseSingle(body, out var problem);
                Assert.True(request is not null || problem is not null);
                if (request is not null)
                {
                    MessageValidator.Validate(request, new ValidationErrors());
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Iterations));
    }

    [Fact]
    public void The_batch_parser_never_throws()
    {
        Prop.ForAll(Inputs().ToArbitrary(), input =>
        {
            foreach (var body in Shapes(input))
            {
                var items = new List<(SendMessageRequest? Request, ApiProblem? Problem)>();
                var ok = SendRequestParser.TryParseBatch(body, items, out var problem);
                Assert.True(ok || problem is not null);
                foreach (var (request, _) in items)
                {
                    if (request is not null)
                    {
                        MessageValidator.Validate(request, new ValidationErrors());
                    }
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Iterations));
    }

    [Fact]
    public void The_input_that_gave_a_500_is_a_malformed_json_problem()
    {
        var body = new ReadOnlySequence<byte>("""{"messages\ud800":[]}"""u8.ToArray());
        Assert.False(SendRequestParser.TryParseBatch(body, [], out var problem));
        Assert.Equal(400, problem!.Status);
    }

    /// <summary>A seed with a few mutations: byte flips, token insertions, cuts.</summary>
    private static Gen<byte[]> Inputs() =>
        from seed in Gen.Elements(Seeds)
        from count in Gen.Choose(0, 6)
        from mutations in Gen.ArrayOf(Mutation(), count)
        select Apply(Encoding.UTF8.GetBytes(seed), mutations);

    private static Gen<(int Kind, int Position, int Value)> Mutation() =>
        from kind in Gen.Choose(0, 3)
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        select (kind, position, value);

    private static byte[] Apply(byte[] bytes, IEnumerable<(int Kind, int Position, int Value)> mutations)
    {
        var buffer = new List<byte>(bytes);
        foreach (var (kind, position, value) in mutations)
        {
            var at = buffer.Count == 0 ? 0 : position % buffer.Count;
            switch (kind)
            {
                case 0 when buffer.Count > 0:
                    buffer[at] = (byte)value;
                    break;
                case 1:
                    buffer.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[value % Tokens.Length]));
                    break;
                case 2 when buffer.Count > 0:
                    buffer.RemoveRange(at, Math.Min(buffer.Count - at, 1 + (value % 8)));
                    break;
                default:
                    buffer.RemoveRange(at, buffer.Count - at);
                    break;
            }
        }

        return [.. buffer];
    }

    /// <summary>The body as one segment and as segments of 1–7 bytes (the Pipe's multi-segment path).</summary>
    private static IEnumerable<ReadOnlySequence<byte>> Shapes(byte[] input)
    {
        yield return new ReadOnlySequence<byte>(input);
        if (input.Length > 1)
        {
            yield return Segmented(input, 1 + (input.Length % 7));
        }
    }

    private static ReadOnlySequence<byte> Segmented(byte[] input, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < input.Length; offset += size)
        {
            var part = input.AsMemory(offset, Math.Min(size, input.Length - offset));
            last = last is null ? first = new Segment(part, 0) : last.Append(part);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
