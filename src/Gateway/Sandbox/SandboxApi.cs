using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Messages;
using MessagingGateway.Gateway.Tenants;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Sandbox;

/// <summary>
/// The simulated handsets of a tenant with the sandbox: read what a handset received, and make it
/// reply. Handsets are the tenant's own (the API key decides whose), so a reply can only join a
/// conversation of that tenant: the one of the last message this tenant sent the handset. It goes
/// through the log like any provider's inbound webhook.
/// </summary>
internal sealed class SandboxApi(IHandsetInbox inbox, MessageIntake intake, TimeProvider time)
{
    private const long MaxBodyBytes = 16 * 1024;
    private const int MaxReplyLength = 4096;

    public async Task ReplyAsync(HttpContext context, string address)
    {
        var tenant = context.Tenant();
        if (!tenant.HasSandbox)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.SandboxDisabled(tenant.Id));
            return;
        }

        var (reply, problem) = await RequestBody.ReadObjectAsync(context, MaxBodyBytes, ApiJsonContext.Default.HandsetReply, "{ \"text\": \"…\" }.");
        if (reply is null)
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        if (string.IsNullOrWhiteSpace(reply.Text) || reply.Text.Length > MaxReplyLength)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Field("text", $"is required, at most {MaxReplyLength} characters"));
            return;
        }

        var received = await inbox.ReadAsync(tenant.Id, address, context.RequestAborted);
        if (received.Count == 0)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"Handset {address} has not received a message yet, so it has nobody to reply to."));
            return;
        }

        var last = received[^1];
        var message = new Message
        {
            Id = Guid.CreateVersion7(),
            TenantId = last.TenantId,
            ConversationId = last.ConversationId,
            Channel = last.Channel,
            Direction = MessageDirection.Inbound,
            From = last.Address,
            To = last.BusinessAddress,
            Content = new MessageContent { Type = "text", Text = reply.Text },
            AcceptedAt = time.GetUtcNow(),
        };

        try
        {
            await intake.AcceptAsync([message], CancellationToken.None);
        }
        catch (LogUnavailableException)
        {
            context.Response.Headers.RetryAfter = "5";
            await ProblemWriter.WriteAsync(context, ApiProblem.Unavailable("The message log cannot take writes right now; the reply was not received."));
            return;
        }

        var writer = JsonResponse.Start(context, StatusCodes.Status202Accepted);
        MessageJson.WriteAccepted(writer, message);
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ListAsync(HttpContext context, string address)
    {
        var tenant = context.Tenant();
        if (!tenant.HasSandbox)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.SandboxDisabled(tenant.Id));
            return;
        }

        var received = await inbox.ReadAsync(tenant.Id, address, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        foreach (var message in received)
        {
            writer.WriteStartObject();
            writer.WriteString("messageId"u8, message.MessageId);
            writer.WriteString("conversationId"u8, message.ConversationId);
            writer.WriteString("channel"u8, message.Channel.ToWire());
            writer.WriteString("from"u8, message.BusinessAddress);
            writer.WritePropertyName("content"u8);
            JsonSerializer.Serialize(writer, message.Content, CoreJsonContext.Default.MessageContent);
            writer.WriteString("receivedAt"u8, message.ReceivedAt.UtcDateTime);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull("nextCursor"u8);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }
}
