using System.Text;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Telegram;

/// <summary>Our message content as a Bot API method and body (channels.md section 3 "Send"); null when Telegram cannot carry it.</summary>
internal static class TelegramMessageBuilder
{
    /// <summary>Telegram's limit on <c>callback_data</c>, in UTF-8 bytes.</summary>
    private const int MaxCallbackDataBytes = 64;

    private const string PayButtonText = "Pay";

    public static (string Method, TgSendRequest Body)? Build(Message message)
    {
        var content = message.Content;
        var request = new TgSendRequest { ChatId = message.To };
        switch (content.Type)
        {
            case "text" when !string.IsNullOrEmpty(content.Text):
                request.Text = content.Text;
                return ("sendMessage", request);

            case "payment" when !string.IsNullOrEmpty(content.Url):
                request.Text = FirstNonEmpty(content.Text, content.Description) ?? content.Url;
                request.ReplyMarkup = Keyboard([new TgInlineButton { Text = PayButtonText, Url = content.Url }]);
                return ("sendMessage", request);

            case "media" when !string.IsNullOrEmpty(content.Url):
                request.Caption = string.IsNullOrEmpty(content.Caption) ? null : content.Caption;
                switch (MediaKind(content.MimeType, content.Url))
                {
                    case "image":
                        request.Photo = content.Url;
                        return ("sendPhoto", request);
                    case "video":
                        request.Video = content.Url;
                        return ("sendVideo", request);
                    case "audio":
                        request.Audio = content.Url;
                        return ("sendAudio", request);
                    default:
                        request.Document = content.Url;
                        return ("sendDocument", request);
                }

            case "interactive" when !string.IsNullOrEmpty(content.Body):
                var choices = Choices(content);
                if (choices is null)
                {
                    return null;
                }

                request.Text = content.Body;
                request.ReplyMarkup = Keyboard(choices);
                return ("sendMessage", request);

            default:
                return null;
        }
    }

    /// <summary>Reply buttons or list rows as callback buttons (data = the id); null when there are none or an id is too long.</summary>
    private static List<TgInlineButton>? Choices(MessageContent content)
    {
        IEnumerable<(string? Id, string? Title)> items;
        if (content.Buttons is { Count: > 0 } buttons)
        {
            items = buttons.Select(b => (b.Id, b.Title));
        }
        else if (content.List is { Sections: { Count: > 0 } sections })
        {
            items = sections.SelectMany(s => s.Rows ?? []).Select(r => (r.Id, r.Title));
        }
        else
        {
            return null;
        }

        var result = new List<TgInlineButton>();
        foreach (var (id, title) in items)
        {
            var data = FirstNonEmpty(id, title);
            if (data is null || Encoding.UTF8.GetByteCount(data) > MaxCallbackDataBytes)
            {
                return null;
            }

            result.Add(new TgInlineButton { Text = FirstNonEmpty(title, id)!, CallbackData = data });
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>One button per row, as chat clients show choices best.</summary>
    private static TgReplyMarkup Keyboard(List<TgInlineButton> buttons) => new() { InlineKeyboard = [.. buttons.Select(b => new List<TgInlineButton> { b })] };

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrEmpty(first) ? first : !string.IsNullOrEmpty(second) ? second : null;

    /// <summary>image, video, audio or document: by MIME type, else by the URL's extension.</summary>
    internal static string MediaKind(string? mimeType, string url)
    {
        if (!string.IsNullOrEmpty(mimeType))
        {
            var slash = mimeType.IndexOf('/', StringComparison.Ordinal);
            var major = (slash < 0 ? mimeType : mimeType[..slash]).Trim().ToLowerInvariant();
            return major is "image" or "video" or "audio" ? major : "document";
        }

        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" or ".png" or ".webp" or ".gif" => "image",
            ".mp4" => "video",
            ".mp3" or ".m4a" or ".ogg" => "audio",
            _ => "document",
        };
    }
}
