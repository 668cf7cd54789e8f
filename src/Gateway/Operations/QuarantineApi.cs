using System.Security.Cryptography;
using System.Text;
using MessagingGateway.Core.Log;
using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Gateway.Operations;

/// <summary>
/// <c>/ops/quarantine</c>: the log records dispatch put aside after failing every attempt. The
/// operator lists them, fixes the cause, and replays one: its bytes are appended to the log again
/// (same conversation key, same stream), so it is processed after what its conversation did
/// meanwhile, and processing it twice changes nothing twice. Needs <c>Operations:ApiKey</c>.
/// </summary>
internal sealed partial class QuarantineApi(IQuarantine quarantine, IMessageLog log, IOptions<OperationsOptions> options, ILogger<QuarantineApi> logger)
{
    public async Task ListAsync(HttpContext context)
    {
        if (Refuse(context) is { } refused)
        {
            await ProblemWriter.WriteAsync(context, refused);
            return;
        }

        if (!PageRequest.TryReadLimit(context, out var limit, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        var after = context.Request.Query["after"].ToString() is { Length: > 0 } text ? text : null;
        var records = await quarantine.ListAsync(after, limit + 1, context.RequestAborted);
        var count = Math.Min(records.Count, limit);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        for (var i = 0; i < count; i++)
        {
            var record = records[i];
            writer.WriteStartObject();
            writer.WriteString("id"u8, record.Id);
            writer.WriteString("stream"u8, record.Position.Stream == LogStream.Inbound ? "inbound"u8 : "outbound"u8);
            writer.WriteNumber("partition"u8, record.Position.Partition);
            writer.WriteNumber("offset"u8, record.Position.Offset);
            writer.WriteString("conversationId"u8, record.Key.Span);
            writer.WriteNumber("attempts"u8, record.Attempts);
            writer.WriteString("error"u8, record.Error);
            writer.WriteString("quarantinedAt"u8, record.At.UtcDateTime);
            writer.WriteNumber("bytes"u8, record.Value.Length);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (records.Count > limit)
        {
            writer.WriteString("nextCursor"u8, records[count - 1].Id);
        }
        else
        {
            writer.WriteNull("nextCursor"u8);
        }

        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ReplayAsync(HttpContext context, string id)
    {
        if (Refuse(context) is { } refused)
        {
            await ProblemWriter.WriteAsync(context, refused);
            return;
        }

        if (id.Length > 64 || await quarantine.GetAsync(id, context.RequestAborted) is not { } record)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No quarantined record '{id}'."));
            return;
        }

        var positions = new LogPosition[1];
        try
        {
            await log.AppendManyAsync(new[] { new LogRecord(record.Key, record.Value, record.Position.Stream) }, positions, CancellationToken.None);
        }
        catch (LogUnavailableException)
        {
            context.Response.Headers.RetryAfter = "5";
            await ProblemWriter.WriteAsync(context, ApiProblem.Unavailable("The message log cannot take writes right now; the record stays in quarantine."));
            return;
        }

        // Appended first: a crash in between leaves it listed, and replaying it again is harmless.
        await quarantine.DeleteAsync(id, CancellationToken.None);
        LogReplayed(id, positions[0].Partition, positions[0].Offset);
        var writer = JsonResponse.Start(context, StatusCodes.Status202Accepted);
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteNumber("partition"u8, positions[0].Partition);
        writer.WriteNumber("offset"u8, positions[0].Offset);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    private ApiProblem? Refuse(HttpContext context)
    {
        if (options.Value.ApiKey is not { Length: > 0 } expected)
        {
            return new ApiProblem(403, "operations-disabled", "The operations API is off.", "Set Operations:ApiKey to use /ops with that bearer key.");
        }

        var header = context.Request.Headers.Authorization;
        var given = header.Count == 1 && header[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)))
            ? null
            : ApiProblem.Unauthorized();
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Quarantined log record {RecordId} replayed by the operator to partition {Partition} offset {Offset}")]
    private partial void LogReplayed(string recordId, int partition, long offset);
}
