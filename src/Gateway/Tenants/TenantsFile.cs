namespace MessagingGateway.Gateway.Tenants;

/// <summary>The JSON shape of a tenants file (see <c>seeds/tenants.json</c>).</summary>
internal sealed class TenantsFile
{
    public List<TenantEntry>? Tenants { get; set; }

    internal sealed class TenantEntry
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public bool Demo { get; set; }

        /// <summary>Simulated handsets for this tenant; unset means on for the demo tenant only.</summary>
        public bool? Sandbox { get; set; }

        public List<ApiKeyEntry>? ApiKeys { get; set; }
    }

    internal sealed class ApiKeyEntry
    {
        public string? Id { get; set; }

        /// <summary>Hex SHA-256 of the whole key: keys are random and long, so a plain hash is enough.</summary>
        public string? Sha256 { get; set; }
    }
}
