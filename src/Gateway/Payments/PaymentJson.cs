using System.Text.Json;
using MessagingGateway.Core.Payments;
using MessagingGateway.Payments;

namespace MessagingGateway.Gateway.Payments;

/// <summary>Payments and refunds as the API shows them.</summary>
internal static class PaymentJson
{
    public static void WritePayment(Utf8JsonWriter writer, PaymentRecord payment, IReadOnlyList<RefundRecord>? refunds)
    {
        var amount = new Amount(payment.Currency, payment.AmountMinor);
        var refunded = new Amount(payment.Currency, payment.RefundedMinor);
        writer.WriteStartObject();
        writer.WriteString("id"u8, payment.Id);
        writer.WriteString("conversationId"u8, payment.ConversationId);
        writer.WriteString("status"u8, payment.Status);
        writer.WriteString("provider"u8, payment.Provider);
        WriteAmount(writer, "amount"u8, amount);
        WriteAmount(writer, "amountRefunded"u8, refunded);
        WriteAmount(writer, "amountRemaining"u8, payment.Status == "paid" ? amount.Subtract(refunded) : new Amount(payment.Currency, 0));
        writer.WriteString("description"u8, payment.Description);
        if (payment.CheckoutUrl is not null && payment.IsOpen)
        {
            writer.WriteString("checkoutUrl"u8, payment.CheckoutUrl);
        }

        writer.WriteString("messageId"u8, payment.MessageId);
        writer.WriteString("createdAt"u8, payment.CreatedAt.UtcDateTime);
        if (payment.ExpiresAt is { } expiresAt)
        {
            writer.WriteString("expiresAt"u8, expiresAt.UtcDateTime);
        }

        if (payment.PaidAt is { } paidAt)
        {
            writer.WriteString("paidAt"u8, paidAt.UtcDateTime);
        }

        if (refunds is not null)
        {
            writer.WriteStartArray("refunds"u8);
            foreach (var refund in refunds)
            {
                WriteRefund(writer, refund);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static void WriteRefund(Utf8JsonWriter writer, RefundRecord refund)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, refund.Id);
        writer.WriteString("paymentId"u8, refund.PaymentId);
        writer.WriteString("status"u8, refund.Status);
        WriteAmount(writer, "amount"u8, new Amount(refund.Currency, refund.AmountMinor));
        if (refund.Description is not null)
        {
            writer.WriteString("description"u8, refund.Description);
        }

        writer.WriteString("createdAt"u8, refund.CreatedAt.UtcDateTime);
        writer.WriteEndObject();
    }

    public static void WriteAmount(Utf8JsonWriter writer, ReadOnlySpan<byte> name, Amount amount)
    {
        writer.WriteStartObject(name);
        writer.WriteString("currency"u8, amount.Currency);
        writer.WriteString("value"u8, amount.FormatValue());
        writer.WriteEndObject();
    }
}
