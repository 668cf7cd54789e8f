using MessagingGateway.Core.Validation;

namespace MessagingGateway.Gateway.Http;

/// <summary>An RFC 9457 problem: what the client gets instead of a result. Never carries internals.</summary>
public sealed record ApiProblem(int Status, string Slug, string Title, string? Detail = null, ValidationErrors? Errors = null)
{
    /// <summary>Problem types are URNs listed in docs/problems.md.</summary>
    public string Type => "urn:problem:messaging-gateway:" + Slug;

    public static ApiProblem Validation(ValidationErrors errors, string? detail = null) =>
        new(422, "validation", "The request is not valid.", detail ?? "See errors for each field.", errors);

    public static ApiProblem Field(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Validation(errors);
    }

    public static ApiProblem MalformedJson(string detail) => new(400, "malformed-json", "The body is not valid JSON.", detail);

    public static ApiProblem BadRequest(string detail) => new(400, "bad-request", "The request is not valid.", detail);

    public static ApiProblem Unauthorized() =>
        new(401, "unauthorized", "Missing or unknown API key.", "Send 'Authorization: Bearer <api key>'.");

    public static ApiProblem SandboxDisabled(string tenantId) =>
        new(403, "sandbox-disabled", "The sandbox is not enabled for this tenant.", $"Tenant '{tenantId}' has no simulated handsets; set \"sandbox\": true for it in the tenants file.");

    public static ApiProblem NotFound(string detail) => new(404, "not-found", "Not found.", detail);

    public static ApiProblem MethodNotAllowed() => new(405, "method-not-allowed", "Method not allowed.", "This path does not accept this HTTP method.");

    public static ApiProblem IdempotencyInProgress() =>
        new(409, "idempotency-in-progress", "A request with this Idempotency-Key is still in progress.", "Retry after it finishes; you will get its response.");

    public static ApiProblem IdempotencyMismatch() =>
        new(422, "idempotency-key-reused", "This Idempotency-Key was used with a different request.", "Use a new key for a different request.");

    public static ApiProblem TooLarge(long limit) =>
        new(413, "body-too-large", "The body is too large.", $"The limit for this endpoint is {limit} bytes.");

    public static ApiProblem UnsupportedMediaType() =>
        new(415, "unsupported-media-type", "Unsupported content type.", "Send the body as 'Content-Type: application/json'.");

    public static ApiProblem Unavailable(string detail) => new(503, "unavailable", "Temporarily unavailable.", detail);

    public static ApiProblem Internal() =>
        new(500, "internal", "Something went wrong on our side.", "Nothing was accepted by this request; retry it (with the same Idempotency-Key if you sent one).");
}
