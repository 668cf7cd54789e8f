using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Cm;

// The Business Messaging API's wire shapes (channels.md section 4a), camelCase through CmJsonContext.

internal sealed class CmSendRequest
{
    public required CmMessages Messages { get; set; }
}

internal sealed class CmMessages
{
    public required CmAuthentication Authentication { get; set; }
    public required List<CmMsg> Msg { get; set; }
}

internal sealed class CmAuthentication
{
    [JsonPropertyName("producttoken")]
    public required string ProductToken { get; set; }
}

internal sealed class CmMsg
{
    public required string From { get; set; }
    public required List<CmRecipient> To { get; set; }
    public required CmBody Body { get; set; }
    public required string Reference { get; set; }
    public required List<string> AllowedChannels { get; set; }
    public int MaximumNumberOfMessageParts { get; set; } = 8;
}

internal sealed class CmRecipient
{
    public required string Number { get; set; }
}

internal sealed class CmBody
{
    public string Type { get; set; } = "auto";
    public required string Content { get; set; }
}

internal sealed class CmSendResponse
{
    public string? Details { get; set; }
    public int? ErrorCode { get; set; }
    public List<CmMessageResult>? Messages { get; set; }
}

internal sealed class CmMessageResult
{
    public string? To { get; set; }
    public string? Status { get; set; }
    public string? Reference { get; set; }
    public string? MessageDetails { get; set; }
    public int? MessageErrorCode { get; set; }
}
