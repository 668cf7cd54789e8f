using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

/// <summary>The binary rows of a message's statuses and a conversation's counters, and the JSON rows written before them.</summary>
public sealed class ProgressRowCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 4, 5, 678, TimeSpan.FromHours(-5));

    [Theory]
    [InlineData(MessageStatus.Accepted, 1, null)]
    [InlineData(MessageStatus.Failed, 7, "retries_exhausted")]
    [InlineData(MessageStatus.Read, int.MaxValue, "ü")]
    public void A_status_change_round_trips_every_field(MessageStatus status, int seq, string? code)
    {
        var original = new StatusChange(status, At, seq, code);

        var read = StatusRowCodec.Decode(StatusRowCodec.Encode(original));

        Assert.Equal(original, read);
        Assert.Equal(At.Offset, read.At.Offset);
    }

    [Fact]
    public void Conversation_counters_round_trip_every_field()
    {
        var original = new ConversationStats(long.MaxValue, 3, 4, At);

        var read = StatsRowCodec.Decode(StatsRowCodec.Encode(original));

        Assert.Equal(original, read);
        Assert.Equal(At.Offset, read.LastMessageAt.Offset);
        Assert.Equal(ConversationStats.Empty, StatsRowCodec.Decode(StatsRowCodec.Encode(ConversationStats.Empty)));
    }

    [Fact]
    public void Rows_written_as_json_before_these_layouts_still_read()
    {
        var status = new StatusChange(MessageStatus.Delivered, At, 4, "x");
        var stats = new ConversationStats(9, 5, 4, At);

        Assert.Equal(status, StatusRowCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(status, CoreJsonContext.Default.StatusChange)));
        Assert.Equal(stats, StatsRowCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(stats, CoreJsonContext.Default.ConversationStats)));
    }

    [Fact]
    public void A_truncated_row_is_refused_not_misread()
    {
        var row = StatusRowCodec.Encode(new StatusChange(MessageStatus.Sent, At, 2));

        Assert.Throws<InvalidDataException>(() => StatusRowCodec.Decode(row.AsSpan(0, 5)));
        Assert.Throws<InvalidDataException>(() => StatsRowCodec.Decode(StatsRowCodec.Encode(ConversationStats.Empty).AsSpan(0, 10)));
    }

    [Fact]
    public void An_accepted_status_carrying_its_message_reads_as_the_status_and_the_message()
    {
        var status = new StatusChange(MessageStatus.Accepted, At, 1);
        var message = new Message
        {
            Id = Guid.CreateVersion7(At),
            TenantId = "t1",
            ConversationId = "cnv_a",
            Channel = Channel.Sms,
            Direction = MessageDirection.Outbound,
            From = "Shop",
            To = "+31612345678",
            Content = new MessageContent { Type = "text", Text = "héllo" },
            AcceptedAt = At,
        };
        var record = LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message));

        var row = StatusRowCodec.EncodeWithMessage(status, record);

        Assert.Equal(status, StatusRowCodec.Decode(row));
        Assert.Equal(record, LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(StatusRowCodec.MessageIn(row)!)));
        Assert.Null(StatusRowCodec.MessageIn(StatusRowCodec.Encode(status)));
        Assert.Throws<ArgumentException>(() => StatusRowCodec.EncodeWithMessage(status with { Code = "x" }, record));
        Assert.Throws<InvalidDataException>(() => StatusRowCodec.MessageIn(row.AsSpan(0, row.Length - 3)));
    }
}
