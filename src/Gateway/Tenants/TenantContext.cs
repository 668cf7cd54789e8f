using MessagingGateway.Core.Model;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Tenants;

/// <summary>The authenticated tenant of a request (set by <see cref="ApiKeyAuthentication"/>).</summary>
internal static class TenantContext
{
    public static Tenant Tenant(this HttpContext context) =>
        context.Features.Get<Tenant>() ?? throw new InvalidOperationException("The request was not authenticated.");
}
