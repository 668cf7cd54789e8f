using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Storage.RocksDb;

namespace MessagingGateway.Storage.Tests;

public sealed class EventRowCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 4, 5, 678, TimeSpan.FromHours(2));

    [Theory]
    [InlineData("{\"id\":\"evt_1\",\"data\":{\"text\":\"héllo \\u2028 wereld\"}}")]
    [InlineData("")]
    public void An_event_round_trips_every_field_and_its_body_byte_for_byte(string body)
    {
        var original = new WebhookEvent("evt_ü", "message.inbound", "tenant-ä", "cnv_ß", At, Encoding.UTF8.GetBytes(body), 42, 7);

        var row = EventRowCodec.Encode(original);
        var read = EventRowCodec.Decode(row);

        Assert.Equal((original.Id, original.Type, original.TenantId, original.ConversationId, original.Seq, original.Partition), (read.Id, read.Type, read.TenantId, read.ConversationId, read.Seq, read.Partition));
        Assert.Equal(original.CreatedAt, read.CreatedAt);
        Assert.Equal(original.CreatedAt.Offset, read.CreatedAt.Offset);
        Assert.Equal(original.Body, read.Body);
        Assert.True(row.AsSpan().EndsWith(original.Body)); // the body is stored as it is
    }

    [Fact]
    public void A_row_written_as_json_before_this_layout_still_reads()
    {
        var original = new WebhookEvent("evt_old", "message.status", "t1", "cnv_a", At, "{\"n\":1}"u8.ToArray(), 3, 1);

        var read = EventRowCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(original, CoreJsonContext.Default.WebhookEvent));

        Assert.Equal((original.Id, original.Seq, original.Partition, original.CreatedAt), (read.Id, read.Seq, read.Partition, read.CreatedAt));
        Assert.Equal(original.Body, read.Body);
    }
}
