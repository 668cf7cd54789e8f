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

        /// <summary>How the tenant takes payments; the sandbox provider when absent.</summary>
        public PaymentsEntry? Payments { get; set; }
    }

    internal sealed class PaymentsEntry
    {
        /// <summary><c>sandbox</c> or <c>mollie</c>.</summary>
        public string? Provider { get; set; }

        /// <summary>The provider key (<c>test_…</c> / <c>live_…</c>); better: <see cref="ApiKeyEnv"/>.</summary>
        public string? ApiKey { get; set; }

        /// <summary>The environment variable that holds the provider key.</summary>
        public string? ApiKeyEnv { get; set; }

        /// <summary><c>nl</c> (default) or <c>en</c>: confirmation texts and amounts.</summary>
        public string? Locale { get; set; }

        public string? PaymentLinkText { get; set; }

        public string? PaidText { get; set; }

        public string? FailedText { get; set; }

        public string? ExpiredText { get; set; }

        public string? RefundedText { get; set; }
    }

    internal sealed class ApiKeyEntry
    {
        public string? Id { get; set; }

        /// <summary>Hex SHA-256 of the whole key: keys are random and long, so a plain hash is enough.</summary>
        public string? Sha256 { get; set; }
    }
}
