using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Messages;

/// <summary>The HTTP side of <c>Idempotency-Key</c>, shared by every POST that takes one: reading the header and answering what the gate decided.</summary>
internal static class IdempotencyHttp
{
    public const int MaxKeyLength = 255;

    /// <summary>The key (null when the request has none); false with a problem for a malformed one.</summary>
    public static bool TryReadKey(HttpContext context, out string? key, out ApiProblem? problem)
    {
        key = null;
        problem = null;
        var values = context.Request.Headers["Idempotency-Key"];
        if (values.Count == 0)
        {
            return true;
        }

        var value = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxKeyLength || !IsPrintableAscii(value))
        {
            problem = ApiProblem.Field("Idempotency-Key", $"must be one value of 1 to {MaxKeyLength} printable ASCII characters");
            return false;
        }

        key = value;
        return true;
    }

    /// <summary>Answers a replay, a mismatch or a key in progress; false when the request should do its work.</summary>
    public static async Task<bool> AnsweredAsync(HttpContext context, IdempotencyDecision decision)
    {
        switch (decision.Outcome)
        {
            case IdempotencyOutcome.Replay:
                var record = decision.Record!;
                context.Response.Headers["Idempotent-Replayed"] = "true";
                if (record.Location is not null)
                {
                    context.Response.Headers.Location = record.Location;
                }

                await JsonResponse.WriteBytesAsync(context, record.StatusCode, record.ResponseBody ?? []);
                return true;
            case IdempotencyOutcome.Mismatch:
                await ProblemWriter.WriteAsync(context, ApiProblem.IdempotencyMismatch());
                return true;
            case IdempotencyOutcome.InProgress:
                context.Response.Headers.RetryAfter = "1";
                await ProblemWriter.WriteAsync(context, ApiProblem.IdempotencyInProgress());
                return true;
            default:
                return false;
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
