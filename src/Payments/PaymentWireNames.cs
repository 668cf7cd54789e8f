using System.Diagnostics.CodeAnalysis;

namespace MessagingGateway.Payments;

/// <summary>The lower-case names of payment and refund statuses on the wire (ours and Mollie's).</summary>
public static class PaymentWireNames
{
    public static string ToWire(this PaymentStatus status) => status switch
    {
        PaymentStatus.Open => "open",
        PaymentStatus.Pending => "pending",
        PaymentStatus.Authorized => "authorized",
        PaymentStatus.Paid => "paid",
        PaymentStatus.Failed => "failed",
        PaymentStatus.Canceled => "canceled",
        PaymentStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string ToWire(this RefundStatus status) => status switch
    {
        RefundStatus.Queued => "queued",
        RefundStatus.Pending => "pending",
        RefundStatus.Processing => "processing",
        RefundStatus.Refunded => "refunded",
        RefundStatus.Failed => "failed",
        RefundStatus.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParsePayment(string? text, [NotNullWhen(true)] out PaymentStatus? status)
    {
        status = text switch
        {
            "open" => PaymentStatus.Open,
            "pending" => PaymentStatus.Pending,
            "authorized" => PaymentStatus.Authorized,
            "paid" => PaymentStatus.Paid,
            "failed" => PaymentStatus.Failed,
            "canceled" => PaymentStatus.Canceled,
            "expired" => PaymentStatus.Expired,
            _ => null,
        };
        return status is not null;
    }

    public static bool TryParseRefund(string? text, [NotNullWhen(true)] out RefundStatus? status)
    {
        status = text switch
        {
            "queued" => RefundStatus.Queued,
            "pending" => RefundStatus.Pending,
            "processing" => RefundStatus.Processing,
            "refunded" => RefundStatus.Refunded,
            "failed" => RefundStatus.Failed,
            "canceled" => RefundStatus.Canceled,
            _ => null,
        };
        return status is not null;
    }
}
