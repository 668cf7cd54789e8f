using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Core.Tests;

/// <summary>The binary layout of log records: what is written reads back as it was, and damage is an error, never a crash.</summary>
public sealed class LogEnvelopeCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 7, 15, 42, 123, TimeSpan.Zero);

    public static TheoryData<string> Envelopes() => [.. Samples().Keys];

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void Every_kind_of_record_reads_back_field_for_field(string name)
    {
        var envelope = Samples()[name];

        var decoded = LogEnvelopeCodec.DecodeValue(LogEnvelopeCodec.EncodeValue(envelope));

        Assert.Equal(Json(envelope), Json(decoded));
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void The_buffer_writer_overload_writes_the_same_bytes(string name)
    {
        var envelope = Samples()[name];
        var buffer = new ArrayBufferWriter<byte>(1);

        LogEnvelopeCodec.EncodeValue(envelope, buffer);

        Assert.Equal(LogEnvelopeCodec.EncodeValue(envelope), buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void Records_written_as_json_before_the_binary_layout_still_read(string name)
    {
        var envelope = Samples()[name];
        var json = JsonSerializer.SerializeToUtf8Bytes(envelope, CoreJsonContext.Default.LogEnvelope);

        Assert.Equal(Json(envelope), Json(LogEnvelopeCodec.DecodeValue(json)));
    }

    [Fact]
    public void A_record_is_versioned_and_smaller_than_its_json()
    {
        var envelope = Samples()["text"];

        var value = LogEnvelopeCodec.EncodeValue(envelope);

        Assert.Equal(1, value[0]);
        Assert.True(value.Length < JsonSerializer.SerializeToUtf8Bytes(envelope, CoreJsonContext.Default.LogEnvelope).Length / 2, $"{value.Length} bytes");
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void A_record_cut_short_anywhere_is_invalid_data(string name)
    {
        var value = LogEnvelopeCodec.EncodeValue(Samples()[name]);

        for (var length = 0; length < value.Length; length++)
        {
            var cut = value.AsSpan(0, length).ToArray();
            Assert.Throws<InvalidDataException>(() => LogEnvelopeCodec.DecodeValue(cut));
        }
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void A_damaged_byte_anywhere_reads_as_another_record_or_invalid_data_never_another_error(string name)
    {
        var value = LogEnvelopeCodec.EncodeValue(Samples()[name]);
        var random = new Random(15);
        var refused = 0;
        for (var position = 0; position < value.Length; position++)
        {
            foreach (var damage in new[] { (byte)0, (byte)0xFF, (byte)random.Next(256) })
            {
                var damaged = value.ToArray();
                damaged[position] = damage;
                try
                {
                    LogEnvelopeCodec.DecodeValue(damaged);
                }
                catch (InvalidDataException)
                {
                    refused++;
                }
            }
        }

        Assert.True(refused > 0); // the format and kind bytes at least
    }

    [Fact]
    public void A_record_with_bytes_after_its_envelope_or_an_unknown_version_is_invalid_data()
    {
        var value = LogEnvelopeCodec.EncodeValue(Samples()["receipt"]);

        Assert.Throws<InvalidDataException>(() => LogEnvelopeCodec.DecodeValue([.. value, 0]));
        value[0] = 2;
        Assert.Throws<InvalidDataException>(() => LogEnvelopeCodec.DecodeValue(value));
    }

    [Fact]
    public void Text_in_any_script_and_times_with_an_offset_read_back_exactly()
    {
        var text = "Hallo 👋 — ünïcødé, 中文, עברית, \u0000 and \"quotes\"";
        var envelope = LogEnvelope.ForMessage(Message(new MessageContent { Type = "text", Text = text }) with
        {
            AcceptedAt = new DateTimeOffset(2026, 3, 29, 2, 30, 0, TimeSpan.FromHours(5.75)),
        });

        var decoded = LogEnvelopeCodec.DecodeValue(LogEnvelopeCodec.EncodeValue(envelope)).Message!;

        Assert.Equal(text, decoded.Content.Text);
        Assert.Equal(envelope.Message!.AcceptedAt, decoded.AcceptedAt);
        Assert.Equal(TimeSpan.FromHours(5.75), decoded.AcceptedAt.Offset);
    }

    private static string Json(LogEnvelope envelope) => JsonSerializer.Serialize(envelope, CoreJsonContext.Default.LogEnvelope);

    private static Message Message(MessageContent content) => new()
    {
        Id = Guid.Parse("0190f3a4-7b1c-7d2e-9f00-1a2b3c4d5e6f"),
        TenantId = "tnt_acme",
        ConversationId = "cnv_0123456789abcdef",
        Channel = Channel.WhatsApp,
        Direction = MessageDirection.Outbound,
        From = "+31612345678",
        To = "+31687654321",
        Content = content,
        Metadata = new Dictionary<string, string> { ["orderId"] = "10452", ["empty"] = "" },
        AcceptedAt = At,
    };

    private static Dictionary<string, LogEnvelope> Samples() => new()
    {
        ["text"] = LogEnvelope.ForMessage(Message(new MessageContent { Type = "text", Text = "Your order #10452 has shipped." })),
        ["inbound without metadata"] = LogEnvelope.ForMessage(Message(new MessageContent { Type = "text", Text = "Thanks!" }) with
        {
            Channel = Channel.Telegram,
            Direction = MessageDirection.Inbound,
            Metadata = null,
        }),
        ["media"] = LogEnvelope.ForMessage(Message(new MessageContent { Type = "image", Url = "https://cdn.example.com/a.jpg", MimeType = "image/jpeg", Caption = "Your parcel" })),
        ["template"] = LogEnvelope.ForMessage(Message(new MessageContent { Type = "template", Name = "order_shipped", Language = "nl", Parameters = ["Anna", "", "10452"] })),
        ["template without parameters"] = LogEnvelope.ForMessage(Message(new MessageContent { Type = "template", Name = "hello", Language = "en", Parameters = [] })),
        ["buttons"] = LogEnvelope.ForMessage(Message(new MessageContent
        {
            Type = "interactive",
            Body = "Did it arrive?",
            Buttons = [new InteractiveButton { Id = "yes", Title = "Yes" }, new InteractiveButton { Id = "no", Title = null }],
        })),
        ["list"] = LogEnvelope.ForMessage(Message(new MessageContent
        {
            Type = "interactive",
            Body = "Pick a slot",
            List = new InteractiveList
            {
                Button = "Slots",
                Sections =
                [
                    new InteractiveListSection
                    {
                        Title = "Tomorrow",
                        Rows = [new InteractiveListRow { Id = "t1", Title = "10:00", Description = "morning" }, new InteractiveListRow { Id = "t2", Title = "14:00" }],
                    },
                    new InteractiveListSection { Title = "Later", Rows = null },
                ],
            },
        })),
        ["payment link"] = LogEnvelope.ForMessage(Message(new MessageContent
        {
            Type = "payment",
            Text = "Pay here:",
            PaymentId = "pay_7x1",
            Amount = new MoneyAmount("EUR", "24.95"),
            Description = "Order #10452",
            Url = "https://pay.example.com/p/7x1",
        })),
        ["receipt"] = LogEnvelope.ForReceipt(new StatusReceipt(Guid.NewGuid(), "tnt_acme", "cnv_0123456789abcdef", MessageStatus.Delivered, At)),
        ["failure receipt"] = LogEnvelope.ForReceipt(new StatusReceipt(Guid.NewGuid(), "tnt_acme", "cnv_0123456789abcdef", MessageStatus.Failed, At.ToOffset(TimeSpan.FromHours(-3)), "131047")),
        ["payment"] = LogEnvelope.ForPayment(new PaymentUpdate("tnt_acme", "cnv_0123456789abcdef", "tr_WDqYK6vllg", null, "paid", At)),
        ["refund"] = LogEnvelope.ForPayment(new PaymentUpdate("tnt_acme", "cnv_0123456789abcdef", "tr_WDqYK6vllg", "re_4qqhO89gsT", "refunded", At)),
        ["another kind"] = new LogEnvelope("note", Message(new MessageContent { Type = "text", Text = "n" })),
    };
}
