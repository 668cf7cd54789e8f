namespace MessagingGateway.Channels.Meta;

// The Messenger/Instagram Send API's wire shapes (channels.md section 2), snake_case through MessengerJsonContext.

internal sealed class MsSendRequest
{
    public required MsRecipient Recipient { get; set; }
    public string MessagingType { get; set; } = "RESPONSE";
    public required MsMessage Message { get; set; }
}

internal sealed class MsRecipient
{
    public required string Id { get; set; }
}

internal sealed class MsMessage
{
    public string? Text { get; set; }
    public MsAttachment? Attachment { get; set; }
    public List<MsQuickReply>? QuickReplies { get; set; }
}

internal sealed class MsAttachment
{
    public required string Type { get; set; }
    public required MsPayload Payload { get; set; }
}

/// <summary>A media attachment's payload (url, is_reusable) or a template's (template_type, text, buttons).</summary>
internal sealed class MsPayload
{
    public string? Url { get; set; }
    public bool? IsReusable { get; set; }
    public string? TemplateType { get; set; }
    public string? Text { get; set; }
    public List<MsButton>? Buttons { get; set; }
}

internal sealed class MsButton
{
    public required string Type { get; set; }
    public required string Title { get; set; }
    public string? Url { get; set; }
    public string? Payload { get; set; }
}

internal sealed class MsQuickReply
{
    public string ContentType { get; set; } = "text";
    public required string Title { get; set; }
    public required string Payload { get; set; }
}

internal sealed class MsSendResponse
{
    public string? RecipientId { get; set; }
    public string? MessageId { get; set; }
}

internal sealed class MsErrorResponse
{
    public MsError? Error { get; set; }
}

internal sealed class MsError
{
    public long? Code { get; set; }
    public long? ErrorSubcode { get; set; }
    public string? Message { get; set; }
    public string? Type { get; set; }
}
