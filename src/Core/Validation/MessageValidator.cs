using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Validation;

/// <summary>
/// Validates a send request against the channel's address and content rules. Every problem is
/// reported per field (paths like <c>content.buttons[1].title</c>), not just the first one.
/// </summary>
public static class MessageValidator
{
    public const int MaxMetadataEntries = 20;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;

    private const int MaxButtons = 3;
    private const int MaxButtonTitle = 20;
    private const int MaxListRows = 10;
    private const int MaxRowTitle = 24;
    private const int MaxRowDescription = 72;
    private const int MaxTemplateParameters = 100;
    private const int MaxIdLength = 256;

    public static ValidatedSend? Validate(SendMessageRequest request, ValidationErrors errors)
    {
        Channel channel = default;
        var channelKnown = false;
        if (string.IsNullOrEmpty(request.Channel))
        {
            errors.Add("channel", "is required");
        }
        else if (!(channelKnown = ChannelNames.TryParse(request.Channel, out channel)))
        {
            errors.Add("channel", "must be one of: " + string.Join(", ", ChannelNames.All));
        }

        string? from = null;
        string? to = null;
        if (string.IsNullOrEmpty(request.From))
        {
            errors.Add("from", "is required");
        }
        else if (channelKnown)
        {
            from = AddressValidator.NormalizeBusiness(channel, request.From, out var error);
            if (error is not null)
            {
                errors.Add("from", error);
            }
        }

        if (string.IsNullOrEmpty(request.To))
        {
            errors.Add("to", "is required");
        }
        else if (channelKnown)
        {
            to = AddressValidator.NormalizeCustomer(channel, request.To, out var error);
            if (error is not null)
            {
                errors.Add("to", error);
            }
        }

        if (request.Content is null)
        {
            errors.Add("content", "is required");
        }
        else if (channelKnown)
        {
            ValidateContent(channel, request.Content, errors);
        }
        else if (string.IsNullOrEmpty(request.Content.Type))
        {
            errors.Add("content.type", "is required");
        }

        ValidateMetadata(request.Metadata, errors);

        return errors.IsEmpty ? new ValidatedSend(channel, from!, to!, request.Content!, request.Metadata) : null;
    }

    private static void ValidateContent(Channel channel, MessageContent content, ValidationErrors errors)
    {
        var rules = ChannelRules.For(channel);
        var channelName = channel.ToWire();
        switch (content.Type)
        {
            case null or "":
                errors.Add("content.type", "is required: text, media, template or interactive");
                break;
            case "text":
                RequireText("content.text", content.Text, rules.MaxTextLength, channelName, errors);
                break;
            case "media":
                if (!rules.Media)
                {
                    errors.Add("content.type", $"media messages are not supported on {channelName}");
                    break;
                }

                ValidateUrl(content.Url, channel == Channel.Sandbox, errors);
                if (string.IsNullOrEmpty(content.MimeType))
                {
                    errors.Add("content.mimeType", "is required, e.g. image/jpeg");
                }
                else if (!IsMimeType(content.MimeType))
                {
                    errors.Add("content.mimeType", "must be a MIME type such as image/jpeg or application/pdf");
                }

                if (content.Caption is not null && content.Caption.Length > rules.MaxCaptionLength)
                {
                    errors.Add("content.caption", $"must be at most {rules.MaxCaptionLength} characters on {channelName}");
                }

                break;
            case "template":
                if (!rules.Template)
                {
                    errors.Add("content.type", $"template messages are not supported on {channelName} (use whatsapp or sandbox)");
                    break;
                }

                ValidateTemplate(content, errors);
                break;
            case "interactive":
                if (!rules.Interactive)
                {
                    errors.Add("content.type", $"interactive messages are not supported on {channelName}");
                    break;
                }

                RequireText("content.body", content.Body, rules.MaxInteractiveBodyLength, channelName, errors);
                ValidateInteractiveChoices(content, rules.MaxChoiceIdBytes, channelName, errors);
                break;
            case "payment":
                errors.Add("content.type", "payment messages are created by POST /v1/conversations/{id}/payments, not posted directly");
                break;
            default:
                errors.Add("content.type", "must be one of: text, media, template, interactive");
                break;
        }
    }

    private static void RequireText(string field, string? text, int maxLength, string channelName, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "is required and must not be blank");
        }
        else if (text.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters on {channelName} (got {text.Length})");
        }
    }

    private static void ValidateUrl(string? url, bool allowHttp, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(url))
        {
            errors.Add("content.url", "is required");
            return;
        }

        if (url.Length > 2048
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add("content.url", allowHttp ? "must be an absolute http(s) URL" : "must be an absolute https URL");
        }
    }

    private static bool IsMimeType(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < value.Length - 1 && value.Length <= 127 && value.IndexOf(' ', StringComparison.Ordinal) < 0;
    }

    private static void ValidateTemplate(MessageContent content, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(content.Name))
        {
            errors.Add("content.name", "is required");
        }
        else if (content.Name.Length > 512 || !IsTemplateName(content.Name))
        {
            errors.Add("content.name", "must be a template name of lowercase letters, digits and underscores");
        }

        if (string.IsNullOrEmpty(content.Language))
        {
            errors.Add("content.language", "is required, e.g. nl or en_US");
        }
        else if (!IsLanguageCode(content.Language))
        {
            errors.Add("content.language", "must be a language code such as nl, en or en_US");
        }

        if (content.Parameters is { } parameters)
        {
            if (parameters.Count > MaxTemplateParameters)
            {
                errors.Add("content.parameters", $"must have at most {MaxTemplateParameters} entries");
            }

            for (var i = 0; i < parameters.Count; i++)
            {
                if (string.IsNullOrEmpty(parameters[i]))
                {
                    errors.Add($"content.parameters[{i}]", "must not be empty");
                }
            }
        }
    }

    private static bool IsTemplateName(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLanguageCode(string code)
    {
        // ISO 639 language, optionally _ or - and a region: nl, en_US, pt-BR.
        if (code.Length is not (2 or 3 or 5 or 6))
        {
            return false;
        }

        var language = code.Length <= 3 ? code.AsSpan() : code.AsSpan(0, code.Length - 3);
        foreach (var c in language)
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        if (code.Length <= 3)
        {
            return true;
        }

        var separator = code[^3];
        return (separator is '_' or '-') && char.IsAsciiLetterUpper(code[^2]) && char.IsAsciiLetterUpper(code[^1]);
    }

    private static void ValidateInteractiveChoices(MessageContent content, int maxIdBytes, string channelName, ValidationErrors errors)
    {
        var hasButtons = content.Buttons is { Count: > 0 };
        var hasList = content.List is not null;
        if (hasButtons == hasList)
        {
            errors.Add("content", "an interactive message needs either buttons or list, not both and not neither");
            return;
        }

        // An empty buttons array counts as no buttons: the list branch must still validate the list.
        if (hasButtons)
        {
            var buttons = content.Buttons!;
            if (buttons.Count > MaxButtons)
            {
                errors.Add("content.buttons", $"must have at most {MaxButtons} buttons");
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < buttons.Count; i++)
            {
                var button = buttons[i];
                if (button is null)
                {
                    errors.Add($"content.buttons[{i}]", "must be an object with id and title");
                    continue;
                }

                RequireChoiceId($"content.buttons[{i}].id", button.Id, ids, maxIdBytes, channelName, errors);
                RequireTitle($"content.buttons[{i}].title", button.Title, MaxButtonTitle, errors);
            }

            return;
        }

        var list = content.List!;
        RequireTitle("content.list.button", list.Button, MaxButtonTitle, errors);
        if (list.Sections is not { Count: > 0 } sections)
        {
            errors.Add("content.list.sections", "must have at least one section");
            return;
        }

        var rowIds = new HashSet<string>(StringComparer.Ordinal);
        var rowCount = 0;
        for (var s = 0; s < sections.Count; s++)
        {
            var section = sections[s];
            if (section?.Rows is not { Count: > 0 } rows)
            {
                errors.Add($"content.list.sections[{s}].rows", "must have at least one row");
                continue;
            }

            for (var r = 0; r < rows.Count; r++)
            {
                rowCount++;
                var row = rows[r];
                var path = $"content.list.sections[{s}].rows[{r}]";
                if (row is null)
                {
                    errors.Add(path, "must be an object with id and title");
                    continue;
                }

                RequireChoiceId(path + ".id", row.Id, rowIds, maxIdBytes, channelName, errors);
                RequireTitle(path + ".title", row.Title, MaxRowTitle, errors);
                if (row.Description is { Length: > MaxRowDescription })
                {
                    errors.Add(path + ".description", $"must be at most {MaxRowDescription} characters");
                }
            }
        }

        if (rowCount > MaxListRows)
        {
            errors.Add("content.list.sections", $"must have at most {MaxListRows} rows in all");
        }
    }

    private static void RequireChoiceId(string field, string? id, HashSet<string> seen, int maxBytes, string channelName, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(field, "is required");
        }
        else if (id.Length > MaxIdLength)
        {
            errors.Add(field, $"must be at most {MaxIdLength} characters");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(id) > maxBytes)
        {
            errors.Add(field, $"must be at most {maxBytes} bytes on {channelName} (what the channel carries back when the button is pressed)");
        }
        else if (!seen.Add(id))
        {
            errors.Add(field, "must be unique within the message");
        }
    }

    private static void RequireTitle(string field, string? title, int maxLength, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            errors.Add(field, "is required");
        }
        else if (title.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters");
        }
    }

    private static void ValidateMetadata(Dictionary<string, string>? metadata, ValidationErrors errors)
    {
        if (metadata is null)
        {
            return;
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            errors.Add("metadata", $"must have at most {MaxMetadataEntries} keys");
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength)
            {
                errors.Add("metadata", $"keys must be 1–{MaxMetadataKeyLength} characters");
            }
            else if (value is null)
            {
                errors.Add("metadata." + key, "must be a string");
            }
            else if (value.Length > MaxMetadataValueLength)
            {
                errors.Add("metadata." + key, $"must be at most {MaxMetadataValueLength} characters");
            }
        }
    }
}
