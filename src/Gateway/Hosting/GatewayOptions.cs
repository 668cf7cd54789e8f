namespace MessagingGateway.Gateway.Hosting;

/// <summary>Settings of the gateway (section <c>Gateway</c>, or the command-line flags in the README).</summary>
public sealed class GatewayOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Where the embedded log and store live (<c>--data-dir</c>).</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Partitions of the embedded log (<c>--partitions</c>); fixed once the data folder exists.</summary>
    public int Partitions { get; set; } = 16;

    /// <summary>Tenants and API keys (<c>--tenants-file</c>); the demo tenant by default.</summary>
    public string? TenantsFile { get; set; }

    /// <summary>Largest body of <c>POST /v1/messages</c>.</summary>
    public long MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Largest body of <c>POST /v1/messages/batch</c> (up to 1,000 messages).</summary>
    public long MaxBatchBytes { get; set; } = 8 * 1024 * 1024;
}
