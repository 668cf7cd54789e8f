namespace MessagingGateway.Core.Model;

/// <summary>The wire names of channels, as they appear in the API.</summary>
public static class ChannelNames
{
    private static readonly string[] Names =
        ["whatsapp", "messenger", "instagram", "telegram", "sms", "rcs", "apple", "viber", "wechat", "sandbox"];

    public static IReadOnlyList<string> All => Names;

    public static string ToWire(this Channel channel) => Names[(int)channel];

    public static bool TryParse(string? value, out Channel channel)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], value, StringComparison.Ordinal))
            {
                channel = (Channel)i;
                return true;
            }
        }

        channel = default;
        return false;
    }
}
