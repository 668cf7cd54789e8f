using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Model;
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

    [Theory]
    [InlineData(null)]
    [InlineData("sandbox_rejected")]
    public void A_status_event_is_stored_as_its_facts_and_reads_with_the_same_id_and_body(string? code)
    {
        var status = new StatusEvent(Guid.CreateVersion7(At), Channel.WhatsApp, "+3161234ü567", MessageStatus.Delivered, 4, At, code);
        var original = WebhookEvent.OfStatus(status, "tenant-ä", "cnv_ß", 42, 7);
        var expectedBody = status.Body(status.Id(), "cnv_ß");

        var row = EventRowCodec.Encode(original);
        var read = EventRowCodec.Decode(row);

        Assert.True(row.Length < expectedBody.Length / 2, $"{row.Length} bytes stored for a {expectedBody.Length}-byte body");
        Assert.Equal(status, read.Status);
        Assert.Equal((original.Id, "message.status", "tenant-ä", "cnv_ß", 42L, 7), (read.Id, read.Type, read.TenantId, read.ConversationId, read.Seq, read.Partition));
        Assert.Equal(At, read.CreatedAt);
        Assert.Equal(Encoding.UTF8.GetString(expectedBody), Encoding.UTF8.GetString(read.Body));
        Assert.Equal(original.Body, read.Body);
    }

    [Fact]
    public void A_status_events_body_names_the_status_as_the_api_documents()
    {
        var status = new StatusEvent(Guid.Parse("0192a7c4-0000-7000-8000-000000000001"), Channel.Sms, "+31612345678", MessageStatus.Failed, 3, At, "retries_exhausted");
        var webhookEvent = WebhookEvent.OfStatus(status, "t1", "cnv_a");

        using var body = JsonDocument.Parse(webhookEvent.Body);
        var root = body.RootElement;
        Assert.Equal(webhookEvent.Id, root.GetProperty("id").GetString());
        Assert.StartsWith("evt_", webhookEvent.Id, StringComparison.Ordinal);
        Assert.Equal("message.status", root.GetProperty("type").GetString());
        Assert.Equal("cnv_a", root.GetProperty("conversationId").GetString());
        var data = root.GetProperty("data");
        Assert.Equal(("0192a7c4-0000-7000-8000-000000000001", "sms", "+31612345678", "failed", 3, "retries_exhausted"),
            (data.GetProperty("messageId").GetString(), data.GetProperty("channel").GetString(), data.GetProperty("to").GetString(), data.GetProperty("status").GetString(), data.GetProperty("seq").GetInt32(), data.GetProperty("code").GetString()));
        Assert.Equal(At.UtcDateTime, data.GetProperty("at").GetDateTime());
    }

    [Theory]
    [InlineData(16)] // channel
    [InlineData(17)] // status
    public void A_status_row_naming_an_unknown_channel_or_status_is_refused(int offsetAfterNames)
    {
        var row = EventRowCodec.Encode(WebhookEvent.OfStatus(new StatusEvent(Guid.CreateVersion7(At), Channel.Sms, "+31612345678", MessageStatus.Sent, 2, At, null), "t1", "cnv_a"));
        row[23 + 2 + 2 + 2 + 5 + offsetAfterNames] = 250; // after the fixed part and the names "t1" and "cnv_a"

        Assert.Throws<InvalidDataException>(() => EventRowCodec.Decode(row));
    }
}
