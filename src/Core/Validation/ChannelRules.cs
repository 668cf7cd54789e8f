using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Validation;

/// <summary>
/// What each channel accepts: text length, which content types, caption and body limits. Figures
/// follow the providers' documented limits (WhatsApp Cloud API 4,096 text / 1,024 caption,
/// Messenger 2,000, Instagram 1,000, Telegram 4,096, SMS 1,600 characters as peers cap
/// concatenated SMS). <see cref="MaxChoiceIdBytes"/> is what a button or row id may take on the
/// wire (Telegram's <c>callback_data</c> holds 64 bytes; WhatsApp's reply ids 256).
/// </summary>
public sealed record ChannelRules(
    int MaxTextLength,
    int MaxCaptionLength,
    int MaxInteractiveBodyLength,
    bool Media,
    bool Template,
    bool Interactive,
    int MaxChoiceIdBytes = 256)
{
    private static readonly ChannelRules[] ByChannel =
    [
        /* whatsapp  */ new(4096, 1024, 1024, Media: true, Template: true, Interactive: true),
        /* messenger */ new(2000, 2000, 640, Media: true, Template: false, Interactive: true),
        /* instagram */ new(1000, 1000, 640, Media: true, Template: false, Interactive: true),
        /* telegram  */ new(4096, 1024, 4096, Media: true, Template: false, Interactive: true, MaxChoiceIdBytes: 64),
        /* sms       */ new(1600, 0, 0, Media: false, Template: false, Interactive: false),
        /* rcs       */ new(3072, 2000, 2000, Media: true, Template: false, Interactive: true),
        /* apple     */ new(10000, 1000, 1000, Media: true, Template: false, Interactive: true),
        /* viber     */ new(7000, 1000, 1000, Media: true, Template: false, Interactive: true),
        /* wechat    */ new(2048, 600, 0, Media: true, Template: false, Interactive: false),
        /* sandbox   */ new(4096, 1024, 1024, Media: true, Template: true, Interactive: true),
    ];

    public static ChannelRules For(Channel channel) => ByChannel[(int)channel];
}
