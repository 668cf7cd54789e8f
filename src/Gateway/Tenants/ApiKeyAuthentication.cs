using MessagingGateway.Core.Model;
using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Tenants;

/// <summary>Resolves the tenant of every <c>/v1</c> request from its bearer API key, or answers 401.</summary>
internal sealed class ApiKeyAuthentication(RequestDelegate next, TenantDirectory tenants)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
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
