namespace MessagingGateway.Channels.Meta;

// The Cloud API's wire shapes (channels.md section 1), snake_case through WhatsAppJsonContext.

internal sealed class WaSendRequest
{
    public string MessagingProduct { get; set; } = "whatsapp";
    public string RecipientType { get; set; } = "individual";
    public required string To { get; set; }
    public required string Type { get; set; }
    public WaText? Text { get; set; }
    public WaMedia? Image { get; set; }
    public WaMedia? Video { get; set; }
    public WaMedia? Audio { get; set; }
    public WaMedia? Document { get; set; }
    public WaTemplate? Template { get; set; }
    public WaInteractive? Interactive { get; set; }
    public string? BizOpaqueCallbackData { get; set; }
}

internal sealed class WaText
{
    public bool PreviewUrl { get; set; }
    public required string Body { get; set; }
}

internal sealed class WaMedia
{
    public required string Link { get; set; }
    public string? Caption { get; set; }
    public string? Filename { get; set; }
}

internal sealed class WaTemplate
{
    public required string Name { get; set; }
    public required WaLanguage Language { get; set; }
    public List<WaComponent>? Components { get; set; }
}

internal sealed class WaLanguage
{
    public required string Code { get; set; }
}

internal sealed class WaComponent
{
    public required string Type { get; set; }
    public required List<WaParameter> Parameters { get; set; }
}

internal sealed class WaParameter
{
    public string Type { get; set; } = "text";
    public required string Text { get; set; }
}

internal sealed class WaInteractive
{
    public required string Type { get; set; }
    public required WaInteractiveBody Body { get; set; }
    public required WaAction Action { get; set; }
}

internal sealed class WaInteractiveBody
{
    public required string Text { get; set; }
}

internal sealed class WaAction
{
    public List<WaButton>? Buttons { get; set; }
    public string? Button { get; set; }
    public List<WaSection>? Sections { get; set; }
}

internal sealed class WaButton
{
    public string Type { get; set; } = "reply";
    public required WaReply Reply { get; set; }
}

internal sealed class WaReply
{
    public required string Id { get; set; }
    public required string Title { get; set; }
}

internal sealed class WaSection
{
    public string? Title { get; set; }
    public required List<WaRow> Rows { get; set; }
}

internal sealed class WaRow
{
    public required string Id { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
}

internal sealed class WaSendResponse
{
    public List<WaMessageId>? Messages { get; set; }
}

internal sealed class WaMessageId
{
    public string? Id { get; set; }
}

internal sealed class WaErrorResponse
{
    public WaError? Error { get; set; }
}

internal sealed class WaError
{
    public long? Code { get; set; }
    public string? Message { get; set; }
    public string? Type { get; set; }
}
