using System.Text.Json;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Validation;
using MessagingGateway.Core.Webhooks;
using MessagingGateway.Dispatch.Webhooks;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Tenants;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Webhooks;

/// <summary>
/// <c>PUT/GET /v1/webhook</c>, the dead letters, and <c>GET /v1/events</c> (the tenant's event
/// stream from a cursor, for replay or for polling instead of webhooks).
/// </summary>
internal sealed class WebhooksApi(IWebhookStore store, WebhookDeliverer deliverer, WebhookTargetPolicy policy, IServer server, IMessageLog log, TimeProvider time)
{
    private const long MaxBodyBytes = 16 * 1024;

    public async Task PutAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        var (request, problem) = await RequestBody.ReadObjectAsync(context, MaxBodyBytes, ApiJsonContext.Default.WebhookRequest, "{ \"url\": \"https://…\", \"secret\": \"whsec_…\" }.");
        if (request is null)
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        var errors = new ValidationErrors();
        var secrets = new List<string>(2);
        if (request.Secret is null)
        {
            secrets.Add(WebhookSecret.Generate().ToString());
        }
        else if (WebhookSecret.TryParse(request.Secret, out var secret, out var error))
        {
            secrets.Add(secret.ToString());
        }
        else
        {
            errors.Add("secret", error);
        }

        if (request.SecondarySecret is not null)
        {
            if (WebhookSecret.TryParse(request.SecondarySecret, out var secondary, out var error))
            {
                secrets.Add(secondary.ToString());
            }
            else
            {
                errors.Add("secondarySecret", error);
            }
        }

        var ownAddresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = errors.IsEmpty ? await WebhookUrlCheck.CheckAsync(request.Url, [.. ownAddresses], policy, errors, context.RequestAborted) : null;
        if (url is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Validation(errors));
            return;
        }

        var subscription = new WebhookSubscription(tenant.Id, url.AbsoluteUri, secrets, time.GetUtcNow());
        await store.PutSubscriptionAsync(subscription, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteString("url"u8, subscription.Url);
        writer.WriteStartArray("secrets"u8);
        foreach (var secret in secrets)
        {
            writer.WriteStringValue(secret);
        }

        writer.WriteEndArray();
        writer.WriteString("updatedAt"u8, subscription.UpdatedAt.UtcDateTime);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task GetAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        var subscription = await store.GetSubscriptionAsync(tenant.Id, context.RequestAborted);
        if (subscription is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound("No webhook is configured; PUT /v1/webhook sets one."));
            return;
        }

        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteString("url"u8, subscription.Url);
        writer.WriteStartArray("secretHints"u8);
        foreach (var secret in subscription.Secrets)
        {
            // Enough to tell secrets apart, never enough to sign.
            writer.WriteStringValue(WebhookSecret.Prefix + "…" + secret[^4..]);
        }

        writer.WriteEndArray();
        writer.WriteString("updatedAt"u8, subscription.UpdatedAt.UtcDateTime);
        var delivery = deliverer.StatusOf(tenant.Id);
        writer.WriteStartObject("delivery"u8);
        writer.WriteNumber("pending"u8, delivery?.Pending ?? 0);
        WriteOptional(writer, "lastError"u8, delivery?.LastError);
        WriteOptional(writer, "lastErrorAt"u8, delivery?.LastErrorAt);
        WriteOptional(writer, "lastSuccessAt"u8, delivery?.LastSuccessAt);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ListDeadLettersAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        if (!PageRequest.TryReadLimit(context, out var limit, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        if (!PageCursor.TryDecode(context.Request.Query["cursor"], out int afterPartition, out long afterSeq))
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Field("cursor", "is not a cursor returned by this endpoint"));
            return;
        }

        var deadLetters = await store.ReadDeadLettersAsync(tenant.Id, afterPartition, afterSeq, limit + 1, context.RequestAborted);
        var count = Math.Min(deadLetters.Count, limit);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        for (var i = 0; i < count; i++)
        {
            var (entry, deadAt, reason) = deadLetters[i];
            var webhookEvent = await store.GetEventAsync(tenant.Id, entry.Partition, entry.EventSeq, context.RequestAborted);
            writer.WriteStartObject();
            writer.WriteString("id"u8, entry.EventId);
            WriteOptional(writer, "type"u8, webhookEvent?.Type);
            writer.WriteString("conversationId"u8, entry.ConversationId);
            writer.WriteNumber("attempts"u8, entry.Attempts);
            WriteOptional(writer, "firstAttemptAt"u8, entry.FirstAttemptAt);
            writer.WriteString("deadAt"u8, deadAt.UtcDateTime);
            writer.WriteString("reason"u8, reason);
            if (webhookEvent is not null)
            {
                writer.WritePropertyName("event"u8);
                writer.WriteRawValue(webhookEvent.Body, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (deadLetters.Count > limit)
        {
            var last = deadLetters[count - 1].Entry;
            writer.WriteString("nextCursor"u8, PageCursor.Encode(last.Partition, last.EventSeq));
        }
        else
        {
            writer.WriteNull("nextCursor"u8);
        }

        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task RedeliverAsync(HttpContext context, string id)
    {
        var tenant = context.Tenant();
        var entry = await store.RedeliverAsync(tenant.Id, id, time.GetUtcNow(), context.RequestAborted);
        if (entry is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No dead letter with id '{id}'."));
            return;
        }

        deliverer.Redeliver(entry);
        var writer = JsonResponse.Start(context, StatusCodes.Status202Accepted);
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.EventId);
        writer.WriteString("status"u8, "queued"u8);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    /// <summary>
    /// Events after the cursor, in order. <c>nextCursor</c> is always set (to the given cursor when
    /// nothing is new), so a client can poll with it and never miss or repeat an event.
    /// </summary>
    public async Task ListEventsAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        if (!PageRequest.TryReadLimit(context, out var limit, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        if (!EventCursor.TryDecode(context.Request.Query["after"], log.PartitionCount, out var cursor))
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Field("after", "is not a cursor returned by this endpoint (cursors from before events were numbered per partition start again without it)"));
            return;
        }

        var events = await EventStream.ReadAsync(store, tenant.Id, cursor, limit, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        foreach (var webhookEvent in events)
        {
            writer.WriteRawValue(webhookEvent.Body, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteString("nextCursor"u8, cursor.Encode());
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset? value)
    {
        if (value is { } at)
        {
            writer.WriteString(name, at.UtcDateTime);
        }
    }
}
