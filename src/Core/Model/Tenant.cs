namespace MessagingGateway.Core.Model;

/// <summary>A business using the gateway. Everything it sends or reads is scoped to its id.</summary>
/// <param name="IsDemo">The seeded demo tenant, whose key is public: only allowed on loopback.</param>
/// <param name="HasSandbox">Whether the tenant may use the sandbox channel and its simulated handsets.</param>
public sealed record Tenant(string Id, string Name, bool IsDemo, bool HasSandbox = false);
