using MessagingGateway.Core.Model;
using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Tenants;

/// <summary>
/// Resolves the tenant of every <c>/v1</c> and <c>/sandbox/handsets</c> request from its bearer API
/// key, or answers 401. A handset is a tenant's own test phone, so it takes the tenant's key.
/// </summary>
internal sealed class ApiKeyAuthentication(RequestDelegate next, TenantDirectory tenants)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/v1", StringComparison.Ordinal) && !path.StartsWithSegments("/sandbox/handsets", StringComparison.Ordinal))
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization;
        var tenant = header.Count == 1 && header[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? tenants.Authenticate(value.AsSpan(7).Trim())
            : null;
        if (tenant is null)
        {
            return ProblemWriter.WriteAsync(context, ApiProblem.Unauthorized());
        }

        context.Features.Set(tenant);
        return next(context);
    }
}
