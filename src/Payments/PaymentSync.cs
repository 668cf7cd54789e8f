using System.Buffers;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Payments.Providers;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Payments;

/// <summary>
/// Fetches a payment and its refunds from the provider and appends every status that moved
/// forward to the log, keyed by the payment's conversation. This is the only way a provider's
/// word reaches us: a notification only says "look at this id", never what happened.
/// </summary>
public sealed partial class PaymentSync(IPaymentStore payments, PaymentAccounts accounts, IMessageLog log, TimeProvider time, ILogger<PaymentSync> logger)
{
    /// <summary>A provider's notification about its payment id: false when the id is not one of ours.</summary>
    public async ValueTask<bool> NotifyAsync(string provider, string providerPaymentId, CancellationToken cancellationToken)
    {
        var id = await payments.FindByProviderIdAsync(provider, providerPaymentId, cancellationToken);
        if (id is null || await payments.GetPaymentAsync(id, cancellationToken) is not { } payment)
        {
            LogUnknown(provider, providerPaymentId);
            return false;
        }

        await SyncAsync(payment, cancellationToken);
        return true;
    }

    /// <summary>Appends what the provider knows and we do not yet; nothing when all is applied.</summary>
    public async ValueTask SyncAsync(PaymentRecord payment, CancellationToken cancellationToken)
    {
        if (payment.ProviderPaymentId is null || accounts.Provider(payment.Provider) is not { } provider)
        {
            return;
        }

        var credentials = accounts.CredentialsOf(payment.TenantId);
        var remote = await provider.GetPaymentAsync(credentials, payment.ProviderPaymentId, cancellationToken);
        if (remote is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var updates = new List<PaymentUpdate>();
        if (PaymentWireNames.TryParsePayment(payment.Status, out var current) && PaymentProgress.Advances(current.Value, remote.Status))
        {
            var at = remote.Status == PaymentStatus.Paid && remote.PaidAt is { } paidAt ? paidAt : now;
            updates.Add(new PaymentUpdate(payment.TenantId, payment.ConversationId, payment.Id, null, remote.Status.ToWire(), at));
        }

        if (remote.Status == PaymentStatus.Paid || remote.AmountRefunded is not null)
        {
            var ours = await payments.ListRefundsAsync(payment.Id, cancellationToken);
            if (ours.Count > 0)
            {
                foreach (var theirs in await provider.ListRefundsAsync(credentials, payment.ProviderPaymentId, cancellationToken))
                {
                    var refund = Match(ours, theirs);
                    if (refund is not null && PaymentWireNames.TryParseRefund(refund.Status, out var known) && PaymentProgress.Advances(known.Value, theirs.Status))
                    {
                        updates.Add(new PaymentUpdate(payment.TenantId, payment.ConversationId, payment.Id, refund.Id, theirs.Status.ToWire(), now));
                    }
                }
            }
        }

        if (updates.Count > 0)
        {
            await AppendAsync(updates, cancellationToken);
        }
    }

    /// <summary>Appends updates to the log (the inbound stream: they come from outside, like receipts).</summary>
    public async ValueTask AppendAsync(IReadOnlyList<PaymentUpdate> updates, CancellationToken cancellationToken)
    {
        var records = new LogRecord[updates.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new LogRecord(LogEnvelopeCodec.EncodeKey(updates[i].ConversationId), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForPayment(updates[i])), LogStream.Inbound);
        }

        await log.AppendManyAsync(records, new LogPosition[records.Length], cancellationToken);
    }

    private static RefundRecord? Match(IReadOnlyList<RefundRecord> ours, ProviderRefund theirs)
    {
        theirs.Metadata.TryGetValue("refundId", out var ourId);
        foreach (var refund in ours)
        {
            if (refund.ProviderRefundId == theirs.Id || refund.Id == ourId)
            {
                return refund;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Notification from {Provider} for unknown payment {ProviderPaymentId} ignored")]
    private partial void LogUnknown(string provider, string providerPaymentId);
}
