using System.Security.Cryptography;
using System.Text;
using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Payments;

/// <summary>
/// Applies provider statuses for the dispatcher that owns the payment's conversation: a status
/// that moves a payment or refund forward is stored (compare-and-set), becomes a
/// <c>payment.status</c> / <c>refund.status</c> event, and paid, failed, expired and refunded
/// each put a short confirmation in the conversation. The same update applied again yields the
/// same event and message ids; a late earlier status changes nothing.
/// </summary>
public sealed partial class PaymentLedger(IPaymentStore payments, IConversationStore conversations, PaymentAccounts accounts, ILogger<PaymentLedger> logger) : IPaymentUpdates
{
    public const string PaymentStatusEvent = "payment.status";
    public const string RefundStatusEvent = "refund.status";

    public ValueTask<PaymentUpdateOutcome> ApplyAsync(PaymentUpdate update, CancellationToken cancellationToken) =>
        update.RefundId is null ? ApplyPaymentAsync(update, cancellationToken) : ApplyRefundAsync(update, update.RefundId, cancellationToken);

    private async ValueTask<PaymentUpdateOutcome> ApplyPaymentAsync(PaymentUpdate update, CancellationToken cancellationToken)
    {
        if (!PaymentWireNames.TryParsePayment(update.Status, out var next))
        {
            return PaymentUpdateOutcome.None;
        }

        while (true)
        {
            var payment = await payments.GetPaymentAsync(update.PaymentId, cancellationToken);
            if (payment is null || payment.TenantId != update.TenantId || !PaymentWireNames.TryParsePayment(payment.Status, out var current))
            {
                return PaymentUpdateOutcome.None;
            }

            if (current == next)
            {
                return await OutcomeAsync(payment, next.Value, update.At, cancellationToken); // applied before a restart
            }

            if (!PaymentProgress.Advances(current.Value, next.Value))
            {
                LogLateStatus(payment.Id, update.Status, payment.Status);
                return PaymentUpdateOutcome.None;
            }

            var updated = payment with
            {
                Status = update.Status,
                PaidAt = next == PaymentStatus.Paid ? update.At : payment.PaidAt,
                UpdatedAt = update.At,
                Version = payment.Version + 1,
            };
            if (await payments.TryUpdatePaymentAsync(updated, payment.Version, cancellationToken))
            {
                GatewayMetrics.PaymentStatuses.Add(1, new KeyValuePair<string, object?>("provider", payment.Provider), new KeyValuePair<string, object?>("status", update.Status));
                return await OutcomeAsync(updated, next.Value, update.At, cancellationToken);
            }
        }
    }

    private async ValueTask<PaymentUpdateOutcome> ApplyRefundAsync(PaymentUpdate update, string refundId, CancellationToken cancellationToken)
    {
        var refund = await payments.GetRefundAsync(update.PaymentId, refundId, cancellationToken);
        if (refund is null || refund.TenantId != update.TenantId
            || !PaymentWireNames.TryParseRefund(update.Status, out var next) || !PaymentWireNames.TryParseRefund(refund.Status, out var current))
        {
            return PaymentUpdateOutcome.None;
        }

        if (current != next)
        {
            if (!PaymentProgress.Advances(current.Value, next.Value))
            {
                LogLateStatus(refund.Id, update.Status, refund.Status);
                return PaymentUpdateOutcome.None;
            }

            refund = refund with { Status = update.Status, UpdatedAt = update.At };
            if (refund.Released)
            {
                // Failed or canceled: its amount may be refunded again. Before the refund row, so a
                // crash in between releases again on replay rather than never.
                await RefundReservations.ReleaseAsync(payments, refund, cancellationToken);
            }

            await payments.PutRefundAsync(refund, cancellationToken);
            GatewayMetrics.RefundStatuses.Add(1, new KeyValuePair<string, object?>("status", update.Status));
        }

        var payment = await payments.GetPaymentAsync(update.PaymentId, cancellationToken);
        if (payment is null)
        {
            return PaymentUpdateOutcome.None;
        }

        var amount = new Amount(refund.Currency, refund.AmountMinor);
        var id = WebhookEventBody.EventId(RefundStatusEvent, refund.Id + "/" + refund.Status);
        var body = WebhookEventBody.Write(id, RefundStatusEvent, update.At, refund.ConversationId, (refund, amount, update.At), static (writer, state) =>
        {
            var (refund, amount, at) = state;
            writer.WriteString("refundId"u8, refund.Id);
            writer.WriteString("paymentId"u8, refund.PaymentId);
            writer.WriteString("status"u8, refund.Status);
            WriteAmount(writer, "amount"u8, amount);
            writer.WriteString("at"u8, at.UtcDateTime);
        });
        var events = new[] { new WebhookEvent(id, RefundStatusEvent, refund.TenantId, refund.ConversationId, update.At, body) };
        var messages = next == RefundStatus.Refunded
            ? await ConfirmationAsync(payment, refund.Id + "/refunded", accounts.For(payment.TenantId).Texts.ForRefund(amount), update.At, cancellationToken)
            : [];
        return new PaymentUpdateOutcome(events, messages);
    }

    private async ValueTask<PaymentUpdateOutcome> OutcomeAsync(PaymentRecord payment, PaymentStatus status, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var amount = new Amount(payment.Currency, payment.AmountMinor);
        var id = WebhookEventBody.EventId(PaymentStatusEvent, payment.Id + "/" + payment.Status);
        var body = WebhookEventBody.Write(id, PaymentStatusEvent, at, payment.ConversationId, (payment, amount, at), static (writer, state) =>
        {
            var (payment, amount, at) = state;
            writer.WriteString("paymentId"u8, payment.Id);
            writer.WriteString("status"u8, payment.Status);
            WriteAmount(writer, "amount"u8, amount);
            writer.WriteString("description"u8, payment.Description);
            writer.WriteString("at"u8, at.UtcDateTime);
        });
        var events = new[] { new WebhookEvent(id, PaymentStatusEvent, payment.TenantId, payment.ConversationId, at, body) };
        var text = accounts.For(payment.TenantId).Texts.For(status, amount);
        var messages = text is null ? [] : await ConfirmationAsync(payment, payment.Id + "/" + payment.Status, text, at, cancellationToken);
        return new PaymentUpdateOutcome(events, messages);
    }

    /// <summary>A text from the business to the customer, with an id derived from what it confirms.</summary>
    private async ValueTask<Message[]> ConfirmationAsync(PaymentRecord payment, string subject, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var conversation = await conversations.GetConversationAsync(payment.ConversationId, cancellationToken);
        if (conversation is null)
        {
            return [];
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("confirmation\n" + subject), hash);
        return
        [
            new Message
            {
                Id = new Guid(hash[..16]),
                TenantId = payment.TenantId,
                ConversationId = payment.ConversationId,
                Channel = conversation.Channel,
                Direction = MessageDirection.Outbound,
                From = conversation.BusinessAddress,
                To = conversation.CustomerAddress,
                Content = new MessageContent { Type = "text", Text = text },
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["paymentId"] = payment.Id },
                AcceptedAt = at,
            },
        ];
    }

    private static void WriteAmount(System.Text.Json.Utf8JsonWriter writer, ReadOnlySpan<byte> name, Amount amount)
    {
        writer.WriteStartObject(name);
        writer.WriteString("currency"u8, amount.Currency);
        writer.WriteString("value"u8, amount.FormatValue());
        writer.WriteEndObject();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Late status {Status} for {Id} ignored; it stays {Current}")]
    private partial void LogLateStatus(string id, string status, string current);
}
