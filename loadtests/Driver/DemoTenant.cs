namespace MessagingGateway.Driver;

/// <summary>The demo tenant every default gateway run seeds (its key is public; loopback only).</summary>
internal static class DemoTenant
{
    public const string ApiKey = "mgw_demo_4f9c2e7a1b5d8c3e6f0a";
}
