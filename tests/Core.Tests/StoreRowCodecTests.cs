using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;

namespace MessagingGateway.Core.Tests;

/// <summary>The binary rows of sandbox handsets and hand-overs: they read back as written, JSON rows of before still read, damage is invalid data.</summary>
public sealed class StoreRowCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 30, 1, 234, TimeSpan.FromHours(1));

    public static TheoryData<string> Handsets() => [.. HandsetSamples().Keys];

    public static TheoryData<string> Handoffs() => [.. HandoffSamples().Keys];

    [Theory]
    [MemberData(nameof(Handsets))]
    public void A_handset_row_reads_back_field_for_field_and_is_smaller_than_its_json(string name)
    {
        var message = HandsetSamples()[name];

        var row = HandsetRowCodec.Encode(message);

        Assert.Equal(Json(message), Json(HandsetRowCodec.Decode(row)));
        Assert.Equal(At.Offset, HandsetRowCodec.Decode(row).ReceivedAt.Offset);
        Assert.True(row.Length < JsonSerializer.SerializeToUtf8Bytes(message, CoreJsonContext.Default.HandsetMessage).Length);
    }

    [Theory]
    [MemberData(nameof(Handsets))]
    public void A_handset_row_written_as_json_before_still_reads(string name)
    {
        var message = HandsetSamples()[name];

        var read = HandsetRowCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(message, CoreJsonContext.Default.HandsetMessage));

        Assert.Equal(Json(message), Json(read));
    }

    [Theory]
    [MemberData(nameof(Handoffs))]
    public void A_handoff_row_reads_back_as_written(string name)
    {
        var handoff = HandoffSamples()[name];

        var row = HandoffRowCodec.Encode(handoff);

        Assert.Equal(handoff, HandoffRowCodec.Decode(row));
        Assert.Equal(handoff, HandoffRowCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(handoff, CoreJsonContext.Default.ChannelHandoff)));
        Assert.True(row.Length < JsonSerializer.SerializeToUtf8Bytes(handoff, CoreJsonContext.Default.ChannelHandoff).Length);
    }

    [Fact]
    public void A_row_cut_short_or_with_bytes_after_it_or_of_an_unknown_format_is_invalid_data()
    {
        byte[][] rows = [HandsetRowCodec.Encode(HandsetSamples()["text"]), HandoffRowCodec.Encode(HandoffSamples()["every field"])];
        foreach (var row in rows)
        {
            var decode = row == rows[0] ? (Action<byte[]>)(bytes => HandsetRowCodec.Decode(bytes)) : bytes => HandoffRowCodec.Decode(bytes);
            for (var length = 1; length < row.Length; length++)
            {
                Assert.Throws<InvalidDataException>(() => decode(row[..length]));
            }

            Assert.Throws<InvalidDataException>(() => decode([.. row, 0]));
            Assert.Throws<InvalidDataException>(() => decode([2, .. row[1..]]));
        }
    }

    private static string Json(HandsetMessage message) => JsonSerializer.Serialize(message, CoreJsonContext.Default.HandsetMessage);

    private static Dictionary<string, HandsetMessage> HandsetSamples() => new()
    {
        ["text"] = Handset(new MessageContent { Type = "text", Text = "Je pakket is onderweg — 🚚" }),
        ["template"] = Handset(new MessageContent { Type = "template", Name = "order_shipped", Language = "nl", Parameters = ["Anna", "", "10452"] }),
        ["buttons"] = Handset(new MessageContent
        {
            Type = "interactive",
            Body = "Did it arrive?",
            Buttons = [new InteractiveButton { Id = "yes", Title = "Yes" }, new InteractiveButton { Id = "no", Title = null }],
        }) with { ReceiptsOwed = 0 },
        ["payment link"] = Handset(new MessageContent
        {
            Type = "payment",
            Text = "Pay here:",
            PaymentId = "pay_7x1",
            Amount = new MoneyAmount("EUR", "24.95"),
            Description = "Order #10452",
            Url = "https://pay.example.com/p/7x1",
        }) with { Channel = Channel.Telegram },
    };

    private static HandsetMessage Handset(MessageContent content) =>
        new("+31687654321", Guid.Parse("0190f3a4-7b1c-7d2e-9f00-1a2b3c4d5e6f"), "tnt_ä", "cnv_0123456789abcdef", Channel.WhatsApp, "+31612345678", content, At, 3);

    private static Dictionary<string, ChannelHandoff> HandoffSamples() => new()
    {
        ["every field"] = new ChannelHandoff(Guid.CreateVersion7(At), At, "wamid.HBgL", At.AddMilliseconds(-5), At.AddMilliseconds(-120)),
        ["no provider id, no times"] = new ChannelHandoff(Guid.CreateVersion7(At), At.ToOffset(TimeSpan.FromHours(-5)), null),
        ["sent only"] = new ChannelHandoff(Guid.CreateVersion7(At), At, "sbx_1", SentAt: At),
    };
}
