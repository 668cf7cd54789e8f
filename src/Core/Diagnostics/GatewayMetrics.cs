using System.Diagnostics.Metrics;

namespace MessagingGateway.Core.Diagnostics;

/// <summary>
/// The gateway's counters (meter <c>MessagingGateway</c>, exported at <c>/metrics</c>). Static:
/// one process, one set of counters, and adding to a counter must cost nothing on the hot path.
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "MessagingGateway";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Messages acknowledged with 202 (outbound) or received (inbound).</summary>
    public static readonly Counter<long> MessagesAccepted = Meter.CreateCounter<long>("mgw.messages.accepted", "{message}");

    /// <summary>Messages a channel took.</summary>
    public static readonly Counter<long> MessagesHandedOver = Meter.CreateCounter<long>("mgw.messages.handed_over", "{message}");

    /// <summary>Send attempts that failed; tag <c>kind</c> = transient or permanent.</summary>
    public static readonly Counter<long> SendFailures = Meter.CreateCounter<long>("mgw.sends.failed", "{attempt}");

    /// <summary>Status changes recorded; tag <c>status</c>, and <c>late</c> for ones that only joined the history.</summary>
    public static readonly Counter<long> StatusChanges = Meter.CreateCounter<long>("mgw.statuses.recorded", "{change}");

    /// <summary>Receipts for messages nobody knows.</summary>
    public static readonly Counter<long> OrphanReceipts = Meter.CreateCounter<long>("mgw.receipts.orphaned", "{receipt}");

    /// <summary>Webhook delivery attempts; tag <c>outcome</c> = delivered, failed or dead_lettered.</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("mgw.webhooks.attempts", "{attempt}");

    /// <summary>Payments created at their provider, by provider.</summary>
    public static readonly Counter<long> PaymentsCreated = Meter.CreateCounter<long>("mgw.payments.created", "{payment}");

    /// <summary>Payment statuses applied, by provider and status (paid counts payments paid).</summary>
    public static readonly Counter<long> PaymentStatuses = Meter.CreateCounter<long>("mgw.payments.statuses", "{change}");

    /// <summary>Refunds created at their provider.</summary>
    public static readonly Counter<long> RefundsCreated = Meter.CreateCounter<long>("mgw.refunds.created", "{refund}");

    /// <summary>Refund statuses applied, by status (refunded counts refunds completed).</summary>
    public static readonly Counter<long> RefundStatuses = Meter.CreateCounter<long>("mgw.refunds.statuses", "{change}");

    /// <summary>Log records dispatch put aside after failing every attempt (listed and replayed through <c>/ops/quarantine</c>).</summary>
    public static readonly Counter<long> RecordsQuarantined = Meter.CreateCounter<long>("mgw.dispatch.quarantined", "{record}");
}
