using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Hosting;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Gateway.Messages;

/// <summary><c>POST /v1/messages</c>, <c>POST /v1/messages/batch</c> and <c>GET /v1/messages/{id}</c>.</summary>
internal sealed partial class MessagesApi(
    MessageIntake intake,
    IdempotencyGate idempotency,
    IConversationStore store,
    Core.Channels.IChannelAccountStore channelAccounts,
    Core.Channels.IDeliveryLedger ledger,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<MessagesApi> logger)
{
    private const string SendOperation = "messages.send";
    private const string BatchOperation = "messages.batch";

    public async Task SendAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        var (ok, key, body) = await ReadRequestAsync(context, options.Value.MaxMessageBytes);
        if (!ok)
        {
            return;
        }

        ApiProblem? problem;
        ValidatedSend? send = null;
        byte[]? hash = null;
        try
        {
            var request = SendRequestParser.ParseSingle(body.Content, out problem);
            if (request is not null)
            {
                var errors = new ValidationErrors();
                send = Validate(tenant, request, errors);
                problem = send is null ? ApiProblem.Validation(errors) : null;
            }

            hash = key is null ? null : body.Hash();
        }
        finally
        {
            body.Release();
        }

        if (send is not null && await MissingAccountAsync(tenant, send, null, context.RequestAborted) is { } missing)
        {
            send = null;
            problem = missing;
        }

        if (send is null)
        {
            await ProblemWriter.WriteAsync(context, problem ?? ApiProblem.BadRequest("The body must be a JSON object."));
            return;
        }

        await AcceptAsync(context, tenant, key, hash, SendOperation, [send], (writer, messages) => MessageJson.WriteAccepted(writer, messages[0]), single: true);
    }

    public async Task SendBatchAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        var (ok, key, body) = await ReadRequestAsync(context, options.Value.MaxBatchBytes);
        if (!ok)
        {
            return;
        }

        ApiProblem? problem;
        var items = new List<(SendMessageRequest? Request, ApiProblem? Problem)>();
        byte[]? hash;
        try
        {
            if (!SendRequestParser.TryParseBatch(body.Content, items, out problem))
            {
                await ProblemWriter.WriteAsync(context, problem!);
                return;
            }

            hash = key is null ? null : body.Hash();
        }
        finally
        {
            body.Release();
        }

        // Index i of the batch → its validated send, or the problem that rejects it alone.
        var sends = new List<ValidatedSend>(items.Count);
        var outcomes = new (int SendIndex, ApiProblem? Problem)[items.Count];
        Dictionary<(Channel, string), ApiProblem?>? known = null;
        for (var i = 0; i < items.Count; i++)
        {
            var (request, itemProblem) = items[i];
            if (request is not null)
            {
                var errors = new ValidationErrors();
                if (Validate(tenant, request, errors) is { } send)
                {
                    if (await MissingAccountAsync(tenant, send, known ??= [], context.RequestAborted) is { } missing)
                    {
                        outcomes[i] = (-1, missing);
                        continue;
                    }

                    outcomes[i] = (sends.Count, null);
                    sends.Add(send);
                    continue;
                }

                itemProblem = ApiProblem.Validation(errors);
            }

            outcomes[i] = (-1, itemProblem ?? ApiProblem.BadRequest("A message must be a JSON object."));
        }

        await AcceptAsync(context, tenant, key, hash, BatchOperation, sends, (writer, messages) => WriteBatchResults(writer, outcomes, messages), single: false);
    }

    public async Task GetAsync(HttpContext context, string id)
    {
        var tenant = context.Tenant();
        var stored = Guid.TryParse(id, out var messageId) ? await store.GetMessageAsync(messageId, context.RequestAborted) : null;
        if (stored is null || stored.Message.TenantId != tenant.Id)
        {
            // Another tenant's message is indistinguishable from a missing one.
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No message with id '{id}'."));
            return;
        }

        var handoff = await ledger.GetHandoffAsync(messageId, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        MessageJson.WriteMessage(writer, stored, handoff);
        await JsonResponse.FinishAsync(context, writer);
    }

    private async Task AcceptAsync(
        HttpContext context,
        Tenant tenant,
        string? key,
        byte[]? hash,
        string operation,
        List<ValidatedSend> sends,
        Action<System.Text.Json.Utf8JsonWriter, Message[]> writeResponse,
        bool single)
    {
        var now = time.GetUtcNow();
        var ids = new Guid[sends.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Guid.CreateVersion7(now);
        }

        IdempotencyRecord? claim = null;
        var replayed = false;
        if (key is not null)
        {
            var decision = await idempotency.EnterAsync(new IdempotencyRecord(tenant.Id, key, operation, hash!, now, ids), context.RequestAborted);
            if (await IdempotencyHttp.AnsweredAsync(context, decision))
            {
                return;
            }

            claim = decision.Record!;
            now = claim.CreatedAt;
            ids = [.. claim.MessageIds];
            replayed = decision.Outcome == IdempotencyOutcome.TakeOver;
        }

        var messages = new Message[sends.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = MessageIntake.Create(tenant, sends[i], ids[i], now);
        }

        try
        {
            try
            {
                if (messages.Length > 0 && !(replayed && await AllStoredAsync(ids)))
                {
                    await intake.AcceptAsync(messages, CancellationToken.None);
                }
            }
            catch (LogUnavailableException ex)
            {
                LogAppendFailed(tenant.Id, ex);
                if (claim is not null && !replayed)
                {
                    // Nothing of ours reached the log: the key may start afresh. A claim taken over
                    // stays (the finally leaves it): its first owner may have appended its ids.
                    await idempotency.AbandonAsync(claim);
                    claim = null;
                }

                context.Response.Headers.RetryAfter = "5";
                // A claim taken over may be one whose first request answered 202 (it could not
                // complete the record): do not tell the client nothing was accepted.
                await ProblemWriter.WriteAsync(context, ApiProblem.Unavailable(replayed
                    ? "The message log cannot take writes right now. Retry shortly with the same Idempotency-Key."
                    : "The message log cannot take writes right now; nothing was accepted. Retry shortly."));
                return;
            }

            // The messages are in the log and will be delivered, so the answer is 202 from here on:
            // an error would make the client send them again. The store writes after the append
            // (the rows in the intake, the idempotency record here) log a failure, never throw it.
            var response = JsonResponse.Serialize(messages, writeResponse);
            var location = single ? "/v1/messages/" + messages[0].Id.ToString() : null;
            if (claim is not null)
            {
                await idempotency.CompleteAsync(claim with { StatusCode = StatusCodes.Status202Accepted, ResponseBody = response, Location = location });
                claim = null;
            }

            LogAccepted(tenant.Id, messages.Length);
            if (location is not null)
            {
                context.Response.Headers.Location = location;
            }

            if (replayed)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }

            await JsonResponse.WriteBytesAsync(context, StatusCodes.Status202Accepted, response);
        }
        finally
        {
            if (claim is not null)
            {
                idempotency.Leave(claim);
            }
        }
    }

    /// <summary>
    /// A send on a real channel needs the tenant's account for its <c>from</c>. Tenants with the
    /// sandbox need none: without one their message goes to the sandbox handsets.
    /// </summary>
    private async ValueTask<ApiProblem?> MissingAccountAsync(Tenant tenant, ValidatedSend send, Dictionary<(Channel, string), ApiProblem?>? known, CancellationToken cancellationToken)
    {
        if (tenant.HasSandbox || send.Channel == Channel.Sandbox)
        {
            return null;
        }

        if (known is not null && known.TryGetValue((send.Channel, send.From), out var seen))
        {
            return seen;
        }

        var problem = await channelAccounts.FindBySenderAsync(tenant.Id, send.Channel, send.From, cancellationToken) is null
            ? ApiProblem.Field("from", $"no {send.Channel.ToWire()} account of tenant '{tenant.Id}' has sender '{send.From}'; connect one with PUT /v1/channels/{send.Channel.ToWire()}/accounts/{{accountId}}")
            : null;
        known?.Add((send.Channel, send.From), problem);
        return problem;
    }

    /// <summary>Whether the log already had every message of a claim taken over (dispatch stored them).</summary>
    private async ValueTask<bool> AllStoredAsync(Guid[] ids)
    {
        foreach (var id in ids)
        {
            if (await store.GetMessageAsync(id, CancellationToken.None) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The request's own rules, then the tenant's: the sandbox channel only for tenants that have it.</summary>
    private static ValidatedSend? Validate(Tenant tenant, SendMessageRequest request, ValidationErrors errors)
    {
        var send = MessageValidator.Validate(request, errors);
        if (send is { Channel: Channel.Sandbox } && !tenant.HasSandbox)
        {
            errors.Add("channel", $"'sandbox' is not enabled for tenant '{tenant.Id}' (set \"sandbox\": true for it in the tenants file)");
            return null;
        }

        return send;
    }

    private static void WriteBatchResults(System.Text.Json.Utf8JsonWriter writer, (int SendIndex, ApiProblem? Problem)[] outcomes, Message[] messages)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("results"u8);
        for (var i = 0; i < outcomes.Length; i++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, i);
            if (outcomes[i].Problem is { } problem)
            {
                writer.WritePropertyName("error"u8);
                ProblemWriter.Write(writer, problem);
            }
            else
            {
                MessageJson.WriteAcceptedFields(writer, messages[outcomes[i].SendIndex]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The Idempotency-Key and the buffered JSON body; false once a problem has been answered.</summary>
    private static async Task<(bool Ok, string? Key, RequestBody Body)> ReadRequestAsync(HttpContext context, long limit)
    {
        if (!IdempotencyHttp.TryReadKey(context, out var key, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return (false, null, default);
        }

        var (body, bodyProblem) = await RequestBody.ReadJsonAsync(context, limit);
        if (bodyProblem is not null)
        {
            await ProblemWriter.WriteAsync(context, bodyProblem);
            return (false, null, default);
        }

        return (true, key, body);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Accepted {Count} message(s) for tenant {TenantId}")]
    private partial void LogAccepted(string tenantId, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Could not append to the log for tenant {TenantId}; answered 503")]
    private partial void LogAppendFailed(string tenantId, Exception exception);
}
