using System.Text.Json;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Storage.Tests.Contracts;

namespace MessagingGateway.Storage.Tests;

public sealed class MessageRowCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public void A_row_made_of_the_log_record_holds_its_bytes_and_reads_back_the_message()
    {
        var message = TestMessages.Outbound("cnv_row", At);
        var logValue = LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message));

        var row = MessageRowCodec.FromLogRecord(logValue);

        Assert.True(row.AsSpan(1).SequenceEqual(logValue)); // the appended bytes, not encoded again
        Assert.Equal(Json(message), Json(MessageRowCodec.Decode(row)));
    }

    [Fact]
    public void A_row_made_without_a_log_record_is_the_record_it_would_have_had()
    {
        var message = TestMessages.Outbound("cnv_inbound", At);

        var row = MessageRowCodec.Encode(message);

        Assert.True(row.AsSpan(1).SequenceEqual(LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message))));
        Assert.Equal(Json(message), Json(MessageRowCodec.Decode(row)));
    }

    [Fact]
    public void A_row_of_the_message_alone_as_json_still_reads()
    {
        var message = TestMessages.Outbound("cnv_old", At);

        Assert.Equal(Json(message), Json(MessageRowCodec.Decode(JsonSerializer.SerializeToUtf8Bytes(message, CoreJsonContext.Default.Message))));
    }

    private static string Json(Core.Model.Message message) => JsonSerializer.Serialize(message, CoreJsonContext.Default.Message);
}
