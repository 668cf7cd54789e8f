using System.Net;
using MessagingGateway.Dispatch.Webhooks;

namespace MessagingGateway.Dispatch.Tests;

public sealed class WebhookAddressRangesTests
{
    [Theory]
    [InlineData("93.184.216.34", WebhookAddressClass.Public)]
    [InlineData("8.8.8.8", WebhookAddressClass.Public)]
    [InlineData("172.32.0.1", WebhookAddressClass.Public)]
    [InlineData("100.128.0.1", WebhookAddressClass.Public)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", WebhookAddressClass.Public)]
    [InlineData("127.0.0.1", WebhookAddressClass.Private)]
    [InlineData("127.255.0.9", WebhookAddressClass.Private)]
    [InlineData("10.20.30.40", WebhookAddressClass.Private)]
    [InlineData("172.16.0.1", WebhookAddressClass.Private)]
    [InlineData("172.31.255.255", WebhookAddressClass.Private)]
    [InlineData("192.168.1.1", WebhookAddressClass.Private)]
    [InlineData("100.64.0.1", WebhookAddressClass.Private)]
    [InlineData("169.254.1.1", WebhookAddressClass.Private)]
    [InlineData("198.18.0.1", WebhookAddressClass.Private)]
    [InlineData("::1", WebhookAddressClass.Private)]
    [InlineData("fd12:3456::1", WebhookAddressClass.Private)]
    [InlineData("fc00::1", WebhookAddressClass.Private)]
    [InlineData("fe80::1", WebhookAddressClass.Private)]
    [InlineData("::ffff:192.168.0.1", WebhookAddressClass.Private)]
    [InlineData("64:ff9b::a00:1", WebhookAddressClass.Private)]
    [InlineData("2002:c0a8:0101::1", WebhookAddressClass.Private)]
    [InlineData("2001:db8::1", WebhookAddressClass.Private)]
    [InlineData("169.254.169.254", WebhookAddressClass.Never)]
    [InlineData("::ffff:169.254.169.254", WebhookAddressClass.Never)]
    [InlineData("64:ff9b::a9fe:a9fe", WebhookAddressClass.Never)]
    [InlineData("fd00:ec2::254", WebhookAddressClass.Never)]
    [InlineData("100.100.100.200", WebhookAddressClass.Never)]
    [InlineData("0.0.0.0", WebhookAddressClass.Never)]
    [InlineData("::", WebhookAddressClass.Never)]
    [InlineData("224.0.0.1", WebhookAddressClass.Never)]
    [InlineData("255.255.255.255", WebhookAddressClass.Never)]
    [InlineData("ff02::1", WebhookAddressClass.Never)]
    public void Addresses_are_classified_by_where_they_lead(string address, WebhookAddressClass expected) =>
        Assert.Equal(expected, WebhookAddressRanges.Classify(IPAddress.Parse(address)));
}
