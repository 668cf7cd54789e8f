using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Meta;

/// <summary>Our message content as the Cloud API's send body (channels.md section 1 "Send"); null when WhatsApp cannot carry it.</summary>
internal static class WhatsAppMessageBuilder
{
    private const string DefaultTemplateLanguage = "en_US";

    public static WaSendRequest? Build(Message message)
    {
        var content = message.Content;
        var request = new WaSendRequest
        {
            To = message.To.StartsWith('+') ? message.To[1..] : message.To,
            Type = "text",
            BizOpaqueCallbackData = message.Id.ToString(),
        };

        switch (content.Type)
        {
            case "text" when !string.IsNullOrEmpty(content.Text):
                request.Text = new WaText { Body = content.Text };
                return request;

            case "payment" when !string.IsNullOrEmpty(content.Url):
                request.Text = new WaText
                {
                    PreviewUrl = true,
                    Body = string.IsNullOrEmpty(content.Text) ? content.Url : content.Text + "\n" + content.Url,
                };
                return request;

            case "media" when !string.IsNullOrEmpty(content.Url):
                return WithMedia(request, content, content.Url);

            case "template" when !string.IsNullOrEmpty(content.Name):
                request.Type = "template";
                request.Template = new WaTemplate
                {
                    Name = content.Name,
                    Language = new WaLanguage { Code = string.IsNullOrEmpty(content.Language) ? DefaultTemplateLanguage : content.Language },
                    Components = content.Parameters is { Count: > 0 } parameters
                        ? [new WaComponent { Type = "body", Parameters = [.. parameters.Select(p => new WaParameter { Text = p })] }]
                        : null,
                };
                return request;

            case "interactive" when !string.IsNullOrEmpty(content.Body):
                return WithInteractive(request, content, content.Body);

            default:
                return null;
        }
    }

    private static WaSendRequest WithMedia(WaSendRequest request, MessageContent content, string url)
    {
        var kind = MediaKind(content.MimeType, url);
        request.Type = kind;
        var caption = string.IsNullOrEmpty(content.Caption) ? null : content.Caption;
        switch (kind)
        {
            case "image":
                request.Image = new WaMedia { Link = url, Caption = caption };
                break;
            case "video":
                request.Video = new WaMedia { Link = url, Caption = caption };
                break;
            case "audio":
                // Audio takes no caption.
                request.Audio = new WaMedia { Link = url };
                break;
            default:
                request.Document = new WaMedia { Link = url, Caption = caption, Filename = FileName(url) };
                break;
        }

        return request;
    }

    private static WaSendRequest? WithInteractive(WaSendRequest request, MessageContent content, string body)
    {
        request.Type = "interactive";
        if (content.Buttons is { Count: > 0 } buttons)
        {
            request.Interactive = new WaInteractive
            {
                Type = "button",
                Body = new WaInteractiveBody { Text = body },
                Action = new WaAction
                {
                    Buttons = [.. buttons.Select(b => new WaButton { Reply = new WaReply { Id = b.Id ?? b.Title ?? string.Empty, Title = b.Title ?? b.Id ?? string.Empty } })],
                },
            };
            return request;
        }

        if (content.List is { Sections: { Count: > 0 } sections } list)
        {
            request.Interactive = new WaInteractive
            {
                Type = "list",
                Body = new WaInteractiveBody { Text = body },
                Action = new WaAction
                {
                    Button = string.IsNullOrEmpty(list.Button) ? "Options" : list.Button,
                    Sections =
                    [
                        .. sections.Select(s => new WaSection
                        {
                            Title = string.IsNullOrEmpty(s.Title) ? null : s.Title,
                            Rows =
                            [
                                .. (s.Rows ?? []).Select(r => new WaRow
                                {
                                    Id = r.Id ?? r.Title ?? string.Empty,
                                    Title = r.Title ?? r.Id ?? string.Empty,
                                    Description = string.IsNullOrEmpty(r.Description) ? null : r.Description,
                                }),
                            ],
                        }),
                    ],
                },
            };
            return request;
        }

        return null;
    }

    /// <summary>image, video, audio or document: by MIME type, else by the URL's extension.</summary>
    internal static string MediaKind(string? mimeType, string url)
    {
        if (!string.IsNullOrEmpty(mimeType))
        {
            var slash = mimeType.IndexOf('/', StringComparison.Ordinal);
            var major = (slash < 0 ? mimeType : mimeType[..slash]).Trim().ToLowerInvariant();
            if (major is "image" or "video" or "audio")
            {
                return major;
            }

            return "document";
        }

        var extension = Path.GetExtension(PathOf(url)).ToLowerInvariant();
        return extension switch
        {
            ".jpg" or ".jpeg" or ".png" or ".webp" => "image",
            ".mp4" or ".3gp" => "video",
            ".mp3" or ".ogg" or ".opus" or ".aac" or ".amr" or ".m4a" => "audio",
            _ => "document",
        };
    }

    private static string? FileName(string url)
    {
        var name = Path.GetFileName(PathOf(url));
        return string.IsNullOrEmpty(name) ? null : Uri.UnescapeDataString(name);
    }

    private static string PathOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
}
