using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;
using MessagingGateway.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Channels;

/// <summary>
/// <c>/webhooks/{channel}/{accountId}</c>: what providers post. The signature is checked on the
/// raw bytes before anything is parsed (401, nothing stored); customers' messages and statuses (a
/// read watermark as a read receipt for each message it covers) go to the log keyed by the
/// conversation, and the answer is 200 only once that append is durable, so a provider's retry
/// after our crash is stored once (ids derived from the provider's ids).
/// </summary>
internal sealed partial class ChannelWebhooksApi(
    IChannelAccountStore accounts,
    IEnumerable<ProviderConnector> providers,
    IDeliveryLedger ledger,
    IConversationStore store,
    IMessageLog log,
    ILogger<ChannelWebhooksApi> logger)
{
    /// <summary>Meta batches up to 3 MB in one post.</summary>
    private const long MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>How many of a conversation's latest messages a read watermark is applied to.</summary>
    private const int ReadWatermarkWindow = 100;

    private readonly Dictionary<Channel, IProviderWebhook> _webhooks = providers.ToDictionary(p => p.Channel, p => p.Webhook);

    public async Task HandshakeAsync(HttpContext context, string channelName, string accountId)
    {
        var (account, webhook) = await FindAsync(channelName, accountId, context.RequestAborted);
        if (account is null || webhook is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No {channelName} account '{accountId}'."));
            return;
        }

        var query = context.Request.Query;
        if (webhook.Handshake(account, name => query[name]) is not { } challenge)
        {
            await ProblemWriter.WriteAsync(context, new ApiProblem(403, "verify-token", "The verify token does not match.", "Use the verifyToken saved with this account and hub.mode=subscribe."));
            return;
        }

        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(challenge, context.RequestAborted);
    }

    public async Task ReceiveAsync(HttpContext context, string channelName, string accountId)
    {
        var (account, webhook) = await FindAsync(channelName, accountId, context.RequestAborted);
        if (account is null || webhook is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No {channelName} account '{accountId}'."));
            return;
        }

        var (body, problem) = await RequestBody.ReadJsonAsync(context, MaxBodyBytes);
        if (problem is not null)
        {
            await ProblemWriter.WriteAsync(context, problem);
            return;
        }

        byte[] raw;
        try
        {
            raw = body.Content.ToArray();
        }
        finally
        {
            body.Release();
        }

        var request = context.Request;
        if (!webhook.Verify(account, name => request.Headers[name].ToString() is { Length: > 0 } value ? value : null, name => request.Query[name], raw))
        {
            LogRejected(channelName, accountId);
            await ProblemWriter.WriteAsync(context, new ApiProblem(401, "signature", "The webhook signature does not match.", "Nothing was stored."));
            return;
        }

        var records = new List<LogRecord>();
        ProviderWebhookReply? reply = null;
        foreach (var providerEvent in webhook.Parse(account, raw))
        {
            switch (providerEvent)
            {
                case ProviderWebhookReply answer:
                    reply = answer;
                    break;
                case ProviderInboundMessage inbound:
                    Add(LogEnvelope.ForMessage(Inbound(account, inbound)));
                    break;
                case ProviderStatus status:
                    if (await ReceiptAsync(account, status, context.RequestAborted) is { } receipt)
                    {
                        Add(receipt);
                    }

                    break;
                case ProviderReadWatermark read:
                    foreach (var covered in await ReadUpToAsync(account, read, context.RequestAborted))
                    {
                        Add(covered);
                    }

                    break;
            }
        }

        if (records.Count > 0)
        {
            try
            {
                await log.AppendManyAsync(records.ToArray(), new LogPosition[records.Count], CancellationToken.None);
            }
            catch (LogUnavailableException)
            {
                // Not 200: the provider posts it again later.
                context.Response.Headers.RetryAfter = "5";
                await ProblemWriter.WriteAsync(context, ApiProblem.Unavailable("The message log cannot take writes right now; post again."));
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        if (reply is not null)
        {
            // Only once stored: a provider that reads the answer acts on it (Telegram's answerCallbackQuery).
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body, CancellationToken.None);
        }

        void Add(LogEnvelope envelope)
        {
            records.Add(new LogRecord(LogEnvelopeCodec.EncodeKey(envelope.ConversationId), LogEnvelopeCodec.EncodeValue(envelope), LogStream.Inbound));
        }
    }

    /// <summary>The customer's message, with an id derived from the provider's so a repeated post is the same message.</summary>
    private static Message Inbound(ChannelAccount account, ProviderInboundMessage inbound) => new()
    {
        Id = DerivedId("inbound", account.Channel.ToWire(), account.AccountId, inbound.ProviderMessageId),
        TenantId = account.TenantId,
        ConversationId = ConversationKey.Derive(account.TenantId, account.Channel, account.Sender, inbound.CustomerAddress),
        Channel = account.Channel,
        Direction = MessageDirection.Inbound,
        From = inbound.CustomerAddress,
        To = account.Sender,
        Content = inbound.Content,
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["providerMessageId"] = inbound.ProviderMessageId },
        AcceptedAt = inbound.At,
    };

    /// <summary>A receipt for our message with that provider id; an unknown id is kept as an orphan and counted.</summary>
    private async ValueTask<LogEnvelope?> ReceiptAsync(ChannelAccount account, ProviderStatus status, CancellationToken cancellationToken)
    {
        if (await ledger.FindByProviderIdAsync(status.ProviderMessageId, cancellationToken) is { } messageId
            && await store.GetMessageAsync(messageId, cancellationToken) is { } stored
            && stored.Message.TenantId == account.TenantId)
        {
            return LogEnvelope.ForReceipt(new StatusReceipt(messageId, account.TenantId, stored.Message.ConversationId, status.Status, status.At, status.Code));
        }

        // Unknown, or not handed over yet (the provider can be faster than our hand-over record):
        // kept aside; the dispatcher adopts it when it records the hand-over.
        var orphanId = ProviderStatus.OrphanId(status.ProviderMessageId);
        await ledger.RecordOrphanAsync(new StatusReceipt(orphanId, account.TenantId, "", status.Status, status.At, status.Code), cancellationToken);
        if (await ledger.FindByProviderIdAsync(status.ProviderMessageId, cancellationToken) is { } late
            && await store.GetMessageAsync(late, cancellationToken) is { } handedOver
            && handedOver.Message.TenantId == account.TenantId)
        {
            // The hand-over landed meanwhile and may have looked before we kept it: deliver it here (applying twice is harmless).
            await ledger.TakeOrphansAsync(orphanId, cancellationToken);
            return LogEnvelope.ForReceipt(new StatusReceipt(late, account.TenantId, handedOver.Message.ConversationId, status.Status, status.At, status.Code));
        }

        GatewayMetrics.OrphanReceipts.Add(1);
        LogOrphan(account.Channel.ToWire(), status.ProviderMessageId, status.Status);
        return null;
    }

    /// <summary>
    /// A read that names no message, only a watermark (Messenger): a read receipt for each of our
    /// messages in the customer's conversation that went out by the watermark and is not read (or
    /// failed) yet. Meta's watermark is its own stamp of the last message read, which falls between
    /// the start of our send and its answer; a conversation's sends go one after the other, so
    /// comparing the start of the accepted attempt (millisecond precision, as Meta writes it) takes
    /// that message and none sent after it (clocks assumed in step). Bounded: only the
    /// conversation's latest <see cref="ReadWatermarkWindow"/> messages are looked at. A message
    /// whose hand-over is not on record yet is left to its own receipts.
    /// </summary>
    private async ValueTask<List<LogEnvelope>> ReadUpToAsync(ChannelAccount account, ProviderReadWatermark read, CancellationToken cancellationToken)
    {
        var receipts = new List<LogEnvelope>();
        var conversationId = ConversationKey.Derive(account.TenantId, account.Channel, account.Sender, read.CustomerAddress);
        var stats = await store.GetConversationStatsAsync(conversationId, cancellationToken);
        if (stats.Outbound == 0)
        {
            return receipts;
        }

        var upTo = read.Watermark.ToUnixTimeMilliseconds();
        var rows = await store.ReadTimelineAsync(conversationId, Math.Max(0, stats.LastSeq - ReadWatermarkWindow), ReadWatermarkWindow, cancellationToken);
        foreach (var row in rows)
        {
            if (await store.GetMessageAsync(row.MessageId, cancellationToken) is not { } stored
                || stored.Message.Direction != MessageDirection.Outbound
                || stored.Message.TenantId != account.TenantId
                || StatusProgress.IsFinal(stored.CurrentStatus.Status)
                || await ledger.GetHandoffAsync(row.MessageId, cancellationToken) is not { } handoff
                || (handoff.StartedAt ?? handoff.At).ToUnixTimeMilliseconds() > upTo)
            {
                continue;
            }

            receipts.Add(LogEnvelope.ForReceipt(new StatusReceipt(row.MessageId, account.TenantId, stored.Message.ConversationId, MessageStatus.Read, read.At)));
        }

        if (receipts.Count == 0)
        {
            LogWatermarkMatchedNothing(account.Channel, account.AccountId, read.Watermark);
        }

        return receipts;
    }

    private async ValueTask<(ChannelAccount? Account, IProviderWebhook? Webhook)> FindAsync(string channelName, string accountId, CancellationToken cancellationToken)
    {
        if (!ChannelNames.TryParse(channelName, out var channel) || !_webhooks.TryGetValue(channel, out var webhook) || accountId.Length > 64)
        {
            return (null, null);
        }

        return (await accounts.GetAsync(channel, accountId, cancellationToken), webhook);
    }

    private static Guid DerivedId(string kind, string channel, string accountId, string providerId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', kind, channel, accountId, providerId)), hash);
        return new Guid(hash[..16]);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Webhook for {Channel} account {AccountId} refused: the signature does not match")]
    private partial void LogRejected(string channel, string accountId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "{Channel} account {AccountId}: a read up to {Watermark} found no unread message handed over by then")]
    private partial void LogWatermarkMatchedNothing(Channel channel, string accountId, DateTimeOffset watermark);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{Channel} status {Status} for unknown provider message {ProviderMessageId} kept as an orphan")]
    private partial void LogOrphan(string channel, string providerMessageId, MessageStatus status);
}
