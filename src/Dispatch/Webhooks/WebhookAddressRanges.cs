using System.Net;
using System.Net.Sockets;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// Classifies an address the way careful webhook senders (Stripe, Svix) do before connecting to a
/// URL a customer typed in: anything that is not the public internet could be an internal
/// service, and the gateway must not become a way to reach it.
/// </summary>
public static class WebhookAddressRanges
{
    public static WebhookAddressClass Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassifyV4(address.MapToIPv4());
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => WebhookAddressClass.Never,
        };
    }

    private static WebhookAddressClass ClassifyV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return ClassifyV4(b[0], b[1], b[2], b[3]);
    }

    private static WebhookAddressClass ClassifyV4(byte a, byte b, byte c, byte d)
    {
        // Metadata services answer with cloud credentials: never, whatever the operator allows.
        if ((a, b, c, d) is (169, 254, 169, 254) or (169, 254, 170, 2) or (100, 100, 100, 200) or (192, 0, 0, 192))
        {
            return WebhookAddressClass.Never;
        }

        return (a, b, c) switch
        {
            (0, _, _) => WebhookAddressClass.Never,                          // "this network", unspecified
            (>= 224, _, _) => WebhookAddressClass.Never,                     // multicast, reserved, broadcast
            (10, _, _) or (127, _, _) => WebhookAddressClass.Private,        // RFC 1918, loopback
            (100, >= 64 and <= 127, _) => WebhookAddressClass.Private,       // shared address space (CGNAT)
            (169, 254, _) => WebhookAddressClass.Private,                    // link-local
            (172, >= 16 and <= 31, _) => WebhookAddressClass.Private,        // RFC 1918
            (192, 168, _) => WebhookAddressClass.Private,                    // RFC 1918
            (192, 0, 0) or (192, 0, 2) => WebhookAddressClass.Private,       // IETF protocol, TEST-NET-1
            (198, 18 or 19, _) => WebhookAddressClass.Private,               // benchmarking
            (198, 51, 100) or (203, 0, 113) => WebhookAddressClass.Private,  // TEST-NET-2, -3
            _ => WebhookAddressClass.Public,
        };
    }

    private static WebhookAddressClass ClassifyV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.Equals(IPAddress.IPv6Any))
        {
            return WebhookAddressClass.Never;
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return WebhookAddressClass.Private;
        }

        // fd00:ec2::254, the AWS metadata service over IPv6.
        if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 && b[14] == 0x02 && b[15] == 0x54 && b[4..14].IndexOfAnyExcept((byte)0) < 0)
        {
            return WebhookAddressClass.Never;
        }

        // An IPv4 address inside IPv6 (NAT64 64:ff9b::/96, IPv4-compatible ::/96, 6to4 2002::/16)
        // is judged as the IPv4 address it reaches.
        if ((b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
            || b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return ClassifyV4(b[12], b[13], b[14], b[15]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(b[2], b[3], b[4], b[5]);
        }

        return b[0] switch
        {
            0xff => WebhookAddressClass.Never,                                         // multicast
            0xfc or 0xfd => WebhookAddressClass.Private,                               // unique local (ULA)
            0xfe when (b[1] & 0xc0) is 0x80 or 0xc0 => WebhookAddressClass.Private,    // link-local, old site-local
            0x20 when b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 => WebhookAddressClass.Private, // documentation
            0x01 when b[1..8].IndexOfAnyExcept((byte)0) < 0 => WebhookAddressClass.Never, // discard-only 100::/64
            _ => WebhookAddressClass.Public,
        };
    }
}
