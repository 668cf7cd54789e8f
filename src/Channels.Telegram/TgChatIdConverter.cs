using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Telegram;

/// <summary>A <c>chat_id</c> as Telegram takes it: a JSON number for numeric ids, a string for <c>@channelusername</c>.</summary>
internal sealed class TgChatIdConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number ? reader.GetInt64().ToString(CultureInfo.InvariantCulture) : reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            writer.WriteNumberValue(id);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
