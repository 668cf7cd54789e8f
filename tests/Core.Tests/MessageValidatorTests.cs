using MessagingGateway.Core.Model;
using MessagingGateway.Core.Validation;

namespace MessagingGateway.Core.Tests;

public class MessageValidatorTests
{
    [Fact]
    public void Valid_whatsapp_text_is_accepted_with_e164_addresses()
    {
        var request = WhatsAppText("hello");
        request.From = "+31 6 12345678";
        request.To = "+31 6-8765 4321";

        var (send, errors) = Validate(request);

        Assert.True(errors.IsEmpty, Describe(errors));
        Assert.NotNull(send);
        Assert.Equal(Channel.WhatsApp, send.Channel);
        Assert.Equal("+31612345678", send.From);
        Assert.Equal("+31687654321", send.To);
        Assert.Same(request.Content, send.Content);
    }

    [Theory]
    [InlineData("sms", "Acme", "+31612345678", "Acme")]
    [InlineData("sms", "12345", "+31612345678", "12345")]
    [InlineData("sms", "+44 7911 123456", "+31612345678", "+447911123456")]
    [InlineData("messenger", "1234567890", "9876543210", "1234567890")]
    [InlineData("telegram", "acme_bot", "-100123456", "acme_bot")]
    [InlineData("telegram", "acme_bot", "@acme_news", "acme_bot")]
    [InlineData("sandbox", "biz", "customer-1", "biz")]
    public void Valid_text_on_other_channels_is_accepted(string channel, string from, string to, string expectedFrom)
    {
        var request = new SendMessageRequest
        {
            Channel = channel,
            From = from,
            To = to,
            Content = new MessageContent { Type = "text", Text = "hi" },
        };

        var (send, errors) = Validate(request);

        Assert.True(errors.IsEmpty, Describe(errors));
        Assert.NotNull(send);
        Assert.Equal(expectedFrom, send.From);
    }

    [Fact]
    public void Unknown_channel_is_rejected()
    {
        var request = WhatsAppText("hello");
        request.Channel = "WhatsApp"; // names are case-sensitive wire values

        var (send, errors) = Validate(request);

        Assert.Null(send);
        Assert.Contains("whatsapp", Single(errors, "channel"), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_fields_are_each_reported()
    {
        var (send, errors) = Validate(new SendMessageRequest());

        Assert.Null(send);
        Assert.Equal(["channel", "from", "to", "content"], errors.Fields.Select(f => f.Key));
        Assert.All(errors.Fields, f => Assert.Equal("is required", Assert.Single(f.Value)));
    }

    [Fact]
    public void Missing_content_type_is_reported()
    {
        var request = WhatsAppText("x");
        request.Content!.Type = null;

        var (_, errors) = Validate(request);

        Assert.StartsWith("is required", Single(errors, "content.type"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0612345678", "E.164")]          // no country code
    [InlineData("+31 12", "not a valid phone number")]
    [InlineData("+999 123456789", "not a valid phone number")]
    [InlineData("+31 6 1234567x", "not a valid phone number")]
    [InlineData("+", "not a valid phone number")]
    public void Invalid_phone_number_is_rejected(string to, string expected)
    {
        var request = WhatsAppText("hello");
        request.To = to;

        var (send, errors) = Validate(request);

        Assert.Null(send);
        Assert.Contains(expected, Single(errors, "to"), StringComparison.Ordinal);
        Assert.DoesNotContain(errors.Fields, f => f.Key == "from");
    }

    [Fact]
    public void Invalid_business_number_is_reported_under_from()
    {
        var request = WhatsAppText("hello");
        request.From = "Acme";

        var (_, errors) = Validate(request);

        Assert.Contains("E.164", Single(errors, "from"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("whatsapp", "+31612345678", "+31687654321", 4096)]
    [InlineData("sms", "Acme", "+31687654321", 1600)]
    [InlineData("messenger", "1234567890", "9876543210", 2000)]
    [InlineData("instagram", "1234567890", "9876543210", 1000)]
    [InlineData("telegram", "acme_bot", "123456", 4096)]
    public void Text_length_limit_is_per_channel(string channel, string from, string to, int limit)
    {
        var atLimit = new SendMessageRequest
        {
            Channel = channel,
            From = from,
            To = to,
            Content = new MessageContent { Type = "text", Text = new string('a', limit) },
        };
        var overLimit = new SendMessageRequest
        {
            Channel = channel,
            From = from,
            To = to,
            Content = new MessageContent { Type = "text", Text = new string('a', limit + 1) },
        };

        var (accepted, okErrors) = Validate(atLimit);
        var (rejected, errors) = Validate(overLimit);

        Assert.NotNull(accepted);
        Assert.True(okErrors.IsEmpty, Describe(okErrors));
        Assert.Null(rejected);
        Assert.Contains($"at most {limit} characters", Single(errors, "content.text"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_text_is_rejected(string? text)
    {
        var (_, errors) = Validate(WhatsAppText(text));

        Assert.Contains("blank", Single(errors, "content.text"), StringComparison.Ordinal);
    }

    [Fact]
    public void Template_without_name_and_language_is_rejected()
    {
        var request = WhatsAppText(null);
        request.Content = new MessageContent { Type = "template" };

        var (send, errors) = Validate(request);

        Assert.Null(send);
        Assert.Equal("is required", Single(errors, "content.name"));
        Assert.StartsWith("is required", Single(errors, "content.language"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order_update", "en_US", true)]
    [InlineData("order_update", "pt-BR", true)]
    [InlineData("order_update", "nl", true)]
    [InlineData("Order Update", "nl", false)]
    [InlineData("order_update", "english", false)]
    [InlineData("order_update", "en_us", false)]
    public void Template_name_and_language_shapes(string name, string language, bool valid)
    {
        var request = WhatsAppText(null);
        request.Content = new MessageContent { Type = "template", Name = name, Language = language, Parameters = ["Ada"] };

        var (send, errors) = Validate(request);

        Assert.Equal(valid, send is not null);
        Assert.Equal(valid, errors.IsEmpty);
    }

    [Fact]
    public void Template_parameters_must_not_be_empty()
    {
        var request = WhatsAppText(null);
        request.Content = new MessageContent { Type = "template", Name = "welcome", Language = "en", Parameters = ["a", ""] };

        var (_, errors) = Validate(request);

        Assert.Equal("must not be empty", Single(errors, "content.parameters[1]"));
    }

    [Fact]
    public void Interactive_with_three_buttons_is_accepted()
    {
        var (send, errors) = Validate(Interactive(Buttons(3)));

        Assert.True(errors.IsEmpty, Describe(errors));
        Assert.NotNull(send);
    }

    [Fact]
    public void Interactive_with_too_many_buttons_is_rejected()
    {
        var (send, errors) = Validate(Interactive(Buttons(4)));

        Assert.Null(send);
        Assert.Equal("must have at most 3 buttons", Single(errors, "content.buttons"));
    }

    [Fact]
    public void Interactive_button_problems_are_reported_per_index()
    {
        var buttons = Buttons(3);
        buttons[1].Id = buttons[0].Id;
        buttons[2].Title = new string('t', 21);

        var (_, errors) = Validate(Interactive(buttons));

        Assert.Contains("unique", Single(errors, "content.buttons[1].id"), StringComparison.Ordinal);
        Assert.Contains("at most 20", Single(errors, "content.buttons[2].title"), StringComparison.Ordinal);
    }

    [Fact]
    public void Interactive_needs_exactly_one_of_buttons_or_list()
    {
        var both = Interactive(Buttons(1));
        both.Content!.List = ValidList();
        var neither = Interactive(null);

        Assert.Contains("either buttons or list", Single(Validate(both).Errors, "content"), StringComparison.Ordinal);
        Assert.Contains("either buttons or list", Single(Validate(neither).Errors, "content"), StringComparison.Ordinal);
    }

    [Fact]
    public void Interactive_list_is_validated_when_buttons_is_an_empty_array()
    {
        // "buttons": [] counts as no buttons, so the list must still be checked.
        var request = Interactive([]);
        request.Content!.List = new InteractiveList { Button = "Choose", Sections = [] };

        var (send, errors) = Validate(request);

        Assert.Null(send);
        Assert.Contains("at least one section", Single(errors, "content.list.sections"), StringComparison.Ordinal);
    }

    [Fact]
    public void Interactive_list_with_too_many_rows_is_rejected()
    {
        var request = Interactive(null);
        request.Content!.List = new InteractiveList
        {
            Button = "Choose",
            Sections =
            [
                new InteractiveListSection { Title = "A", Rows = Rows("a", 6) },
                new InteractiveListSection { Title = "B", Rows = Rows("b", 5) },
            ],
        };

        var (_, errors) = Validate(request);

        Assert.Contains("at most 10 rows", Single(errors, "content.list.sections"), StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_with_twenty_entries_is_accepted()
    {
        var request = WhatsAppText("hi");
        request.Metadata = Metadata(MessageValidator.MaxMetadataEntries);

        var (send, errors) = Validate(request);

        Assert.True(errors.IsEmpty, Describe(errors));
        Assert.Same(request.Metadata, send!.Metadata);
    }

    [Fact]
    public void Metadata_over_twenty_entries_is_rejected()
    {
        var request = WhatsAppText("hi");
        request.Metadata = Metadata(MessageValidator.MaxMetadataEntries + 1);

        var (send, errors) = Validate(request);

        Assert.Null(send);
        Assert.Equal("must have at most 20 keys", Single(errors, "metadata"));
    }

    [Fact]
    public void Metadata_value_too_long_is_reported_under_its_key()
    {
        var request = WhatsAppText("hi");
        request.Metadata = new Dictionary<string, string> { ["ref"] = new string('v', 501) };

        var (_, errors) = Validate(request);

        Assert.Contains("at most 500", Single(errors, "metadata.ref"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sms", "Acme", "+31687654321", "media")]
    [InlineData("sms", "Acme", "+31687654321", "template")]
    [InlineData("sms", "Acme", "+31687654321", "interactive")]
    [InlineData("messenger", "1234567890", "9876543210", "template")]
    [InlineData("telegram", "acme_bot", "123456", "template")]
    [InlineData("wechat", "gh_acme", "oUser123", "interactive")]
    public void Unsupported_content_type_per_channel_is_rejected(string channel, string from, string to, string type)
    {
        var request = new SendMessageRequest
        {
            Channel = channel,
            From = from,
            To = to,
            Content = new MessageContent { Type = type },
        };

        var (send, errors) = Validate(request);

        Assert.Null(send);
        var field = Assert.Single(errors.Fields);
        Assert.Equal("content.type", field.Key);
        Assert.Contains($"not supported on {channel}", Assert.Single(field.Value), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("sticker")]
    public void Payment_and_unknown_content_types_are_rejected(string type)
    {
        var request = WhatsAppText(null);
        request.Content!.Type = type;

        var (_, errors) = Validate(request);

        Assert.NotEmpty(Single(errors, "content.type"));
    }

    [Fact]
    public void Media_requires_https_url_and_mime_type()
    {
        var request = WhatsAppText(null);
        request.Content = new MessageContent { Type = "media", Url = "http://example.com/a.jpg", MimeType = "jpeg" };

        var (_, errors) = Validate(request);

        Assert.Contains("https", Single(errors, "content.url"), StringComparison.Ordinal);
        Assert.Contains("MIME", Single(errors, "content.mimeType"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var request = new SendMessageRequest
        {
            Channel = "whatsapp",
            From = "nope",
            To = "0612345678",
            Content = new MessageContent { Type = "text", Text = new string('a', 4097) },
            Metadata = Metadata(21),
        };

        var (_, errors) = Validate(request);

        Assert.Equal(["from", "to", "content.text", "metadata"], errors.Fields.Select(f => f.Key));
    }

    [Fact]
    public void A_button_id_telegram_cannot_carry_back_is_refused_on_telegram_only()
    {
        var id = new string('x', 65);
        var telegram = new SendMessageRequest
        {
            Channel = "telegram",
            From = "shop_bot",
            To = "987654321",
            Content = new MessageContent { Type = "interactive", Body = "Pick one", Buttons = [new InteractiveButton { Id = id, Title = "Ja" }] },
        };
        var whatsapp = Interactive([new InteractiveButton { Id = id, Title = "Ja" }]);

        var (refused, errors) = Validate(telegram);
        var (accepted, _) = Validate(whatsapp);

        Assert.Null(refused);
        Assert.Contains("64 bytes on telegram", Single(errors, "content.buttons[0].id"), StringComparison.Ordinal);
        Assert.NotNull(accepted);
    }

    private static (ValidatedSend? Send, ValidationErrors Errors) Validate(SendMessageRequest request)
    {
        var errors = new ValidationErrors();
        var send = MessageValidator.Validate(request, errors);
        return (send, errors);
    }

    /// <summary>The only message for <paramref name="field"/>; fails if the field has none or several.</summary>
    private static string Single(ValidationErrors errors, string field)
    {
        var entry = Assert.Single(errors.Fields, f => f.Key == field);
        var message = Assert.Single(entry.Value);
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message;
    }

    private static string Describe(ValidationErrors errors) =>
        string.Join("; ", errors.Fields.Select(f => f.Key + ": " + string.Join(", ", f.Value)));

    private static SendMessageRequest WhatsAppText(string? text) => new()
    {
        Channel = "whatsapp",
        From = "+31612345678",
        To = "+31687654321",
        Content = new MessageContent { Type = "text", Text = text },
    };

    private static SendMessageRequest Interactive(List<InteractiveButton>? buttons) => new()
    {
        Channel = "whatsapp",
        From = "+31612345678",
        To = "+31687654321",
        Content = new MessageContent { Type = "interactive", Body = "Pick one", Buttons = buttons },
    };

    private static List<InteractiveButton> Buttons(int count) =>
        Enumerable.Range(0, count).Select(i => new InteractiveButton { Id = "b" + i, Title = "Option " + i }).ToList();

    private static List<InteractiveListRow> Rows(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => new InteractiveListRow { Id = prefix + i, Title = "Row " + i }).ToList();

    private static InteractiveList ValidList() => new()
    {
        Button = "Choose",
        Sections = [new InteractiveListSection { Title = "A", Rows = Rows("r", 2) }],
    };

    private static Dictionary<string, string> Metadata(int count) =>
        Enumerable.Range(0, count).ToDictionary(i => "key" + i, i => "value" + i);
}
