using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Messages;
using MessagingGateway.Gateway.Tenants;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Conversations;

/// <summary><c>GET /v1/conversations/{id}</c> and its timeline, <c>GET /v1/conversations/{id}/messages</c>.</summary>
internal sealed class ConversationsApi(IConversationStore store)
{
    public async Task GetAsync(HttpContext context, string id)
    {
        var conversation = await FindAsync(context, id);
        if (conversation is null)
        {
            return;
        }

        var stats = await store.GetConversationStatsAsync(conversation.Id, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteString("id"u8, conversation.Id);
        writer.WriteString("channel"u8, conversation.Channel.ToWire());
        writer.WriteStartObject("parties"u8);
        writer.WriteString("business"u8, conversation.BusinessAddress);
        writer.WriteString("customer"u8, conversation.CustomerAddress);
        writer.WriteEndObject();
        writer.WriteString("openedAt"u8, conversation.OpenedAt.UtcDateTime);
        if (stats.LastSeq > 0)
        {
            writer.WriteString("lastMessageAt"u8, stats.LastMessageAt.UtcDateTime);
        }
        else
        {
            writer.WriteNull("lastMessageAt"u8);
        }

        writer.WriteStartObject("counts"u8);
        writer.WriteNumber("messages"u8, stats.LastSeq);
        writer.WriteNumber("outbound"u8, stats.Outbound);
        writer.WriteNumber("inbound"u8, stats.Inbound);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ListMessagesAsync(HttpContext context, string id)
    {
        if (!PageRequest.TryRead(context, "cursor", out var page, out var problem))
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        var conversation = await FindAsync(context, id);
        if (conversation is null)
        {
            return;
        }

        // One row more than asked tells whether another page follows.
        var rows = await store.ReadTimelineAsync(conversation.Id, page.AfterSeq, page.Limit + 1, context.RequestAborted);
        var count = Math.Min(rows.Count, page.Limit);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        for (var i = 0; i < count; i++)
        {
            if (await store.GetMessageAsync(rows[i].MessageId, context.RequestAborted) is { } message)
            {
                MessageJson.WriteMessage(writer, message);
            }
        }

        writer.WriteEndArray();
        if (rows.Count > page.Limit)
        {
            writer.WriteString("nextCursor"u8, PageCursor.Encode(rows[count - 1].Seq));
        }
        else
        {
            writer.WriteNull("nextCursor"u8);
        }

        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    /// <summary>The tenant's conversation, or null after answering 404 (also for another tenant's id).</summary>
    private async Task<ConversationSummary?> FindAsync(HttpContext context, string id)
    {
        var tenant = context.Tenant();
        var conversation = ConversationKey.IsWellFormed(id) ? await store.GetConversationAsync(id, context.RequestAborted) : null;
        if (conversation is null || conversation.TenantId != tenant.Id)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No conversation with id '{id}'."));
            return null;
        }

        return conversation;
    }
}
