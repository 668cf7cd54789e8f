using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Meta;

/// <summary>
/// Our message content as the Messenger/Instagram Send API's body (channels.md section 2 "Send");
/// null when the channel cannot carry it (templates: Meta's page messaging has no WhatsApp-style
/// templates; more than 13 choices).
/// </summary>
internal static class MessengerMessageBuilder
{
    /// <summary>Quick replies per message.</summary>
    public const int MaxQuickReplies = 13;

    /// <summary>Characters of a quick reply's or a button's title.</summary>
    public const int MaxTitleLength = 20;

    private const string PayButtonTitle = "Pay now";

    public static MsSendRequest? Build(Message message)
    {
        var content = message.Content;
        var body = content.Type switch
        {
            "text" when !string.IsNullOrEmpty(content.Text) => new MsMessage { Text = content.Text },
            "media" when !string.IsNullOrEmpty(content.Url) => Media(content, content.Url),
            "interactive" when !string.IsNullOrEmpty(content.Body) => Interactive(content, content.Body),
            "payment" when !string.IsNullOrEmpty(content.Url) => Payment(message.Channel, content, content.Url),
            _ => null,
        };

        return body is null
            ? null
            : new MsSendRequest { Recipient = new MsRecipient { Id = message.To }, Message = body };
    }

    /// <summary>
    /// An attachment by its URL. Messenger attachments carry no caption, so a caption is not sent
    /// (a second message would need a second send, with its own id and failure).
    /// </summary>
    private static MsMessage Media(MessageContent content, string url)
    {
        var kind = WhatsAppMessageBuilder.MediaKind(content.MimeType, url) switch
        {
            "document" => "file",
            var other => other,
        };
        return new MsMessage { Attachment = new MsAttachment { Type = kind, Payload = new MsPayload { Url = url, IsReusable = true } } };
    }

    /// <summary>Buttons, or a list's rows, as quick replies: the title (cut to 20 characters) shows, the id comes back as the payload.</summary>
    private static MsMessage? Interactive(MessageContent content, string body)
    {
        List<(string? Id, string? Title)> choices = content.Buttons is { Count: > 0 } buttons
            ? [.. buttons.Select(b => (b.Id, b.Title))]
            : content.List is { Sections: { Count: > 0 } sections }
                ? [.. sections.SelectMany(s => s.Rows ?? []).Select(r => (r.Id, r.Title))]
                : [];

        if (choices.Count is 0 or > MaxQuickReplies)
        {
            return null;
        }

        return new MsMessage
        {
            Text = body,
            QuickReplies =
            [
                .. choices.Select(c => new MsQuickReply
                {
                    Title = Cut(c.Title ?? c.Id ?? string.Empty),
                    Payload = c.Id ?? c.Title ?? string.Empty,
                }),
            ],
        };
    }

    /// <summary>Messenger: a button template with one <c>web_url</c> button; Instagram: the text and the link.</summary>
    private static MsMessage Payment(Channel channel, MessageContent content, string url)
    {
        var text = !string.IsNullOrEmpty(content.Text) ? content.Text
            : !string.IsNullOrEmpty(content.Description) ? content.Description
            : null;
        if (channel == Channel.Instagram)
        {
            return new MsMessage { Text = text is null ? url : text + "\n" + url };
        }

        return new MsMessage
        {
            Attachment = new MsAttachment
            {
                Type = "template",
                Payload = new MsPayload
                {
                    TemplateType = "button",
                    Text = text ?? PayButtonTitle,
                    Buttons = [new MsButton { Type = "web_url", Url = url, Title = PayButtonTitle }],
                },
            },
        };
    }

    private static string Cut(string title) =>
        title.Length <= MaxTitleLength ? title
        : char.IsHighSurrogate(title[MaxTitleLength - 1]) ? title[..(MaxTitleLength - 1)]
        : title[..MaxTitleLength];
}
