using System.Text.Json;
using MessagingGateway.Core.Payments;
using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments.Sandbox;

/// <summary>
/// The provider of the default run: a simulated PSP whose payments are paid (or failed, canceled,
/// expired) on the sandbox checkout page. It keeps its own records, apart from ours, honours
/// idempotency keys like Mollie, expires payments past <c>expiresAt</c>, completes refunds after
/// <see cref="RefundDelay"/>, and notifies the way Mollie does: "look at this id".
/// </summary>
public sealed class SandboxPaymentProvider(IProviderStateStore state, TimeProvider time, Func<Uri> checkoutBase) : IPaymentProvider, IDisposable
{
    public const string ProviderName = "sandbox";

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposed = new();

    public string Name => ProviderName;

    /// <summary>How long a refund stays pending before it is refunded.</summary>
    public TimeSpan RefundDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Called with the provider's payment id after a change, as Mollie calls the webhook.</summary>
    public Func<string, Task>? Notify { get; set; }

    public async ValueTask<ProviderPayment> CreatePaymentAsync(ProviderCredentials credentials, NewProviderPayment payment, CancellationToken cancellationToken)
    {
        if (await state.GetAsync("idem/" + payment.IdempotencyKey, cancellationToken) is { } existing)
        {
            return (await LoadAsync(System.Text.Encoding.UTF8.GetString(existing), cancellationToken))!.ToProvider(time.GetUtcNow(), checkoutBase());
        }

        var row = new SandboxPayment
        {
            Id = "sbx_" + Guid.CreateVersion7().ToString("N"),
            OurId = payment.Metadata.GetValueOrDefault("paymentId") ?? "",
            Status = "open",
            Currency = payment.Amount.Currency,
            AmountMinor = payment.Amount.MinorUnits,
            Description = payment.Description,
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = payment.ExpiresAt,
            Metadata = new Dictionary<string, string>(payment.Metadata, StringComparer.Ordinal),
        };
        await SaveAsync(row, cancellationToken);
        await state.PutAsync("idem/" + payment.IdempotencyKey, System.Text.Encoding.UTF8.GetBytes(row.Id), cancellationToken);
        return row.ToProvider(time.GetUtcNow(), checkoutBase());
    }

    public async ValueTask<ProviderPayment?> GetPaymentAsync(ProviderCredentials credentials, string paymentId, CancellationToken cancellationToken) =>
        (await LoadAsync(paymentId, cancellationToken))?.ToProvider(time.GetUtcNow(), checkoutBase());

    public async ValueTask<ProviderRefund> CreateRefundAsync(ProviderCredentials credentials, string paymentId, NewProviderRefund refund, CancellationToken cancellationToken)
    {
        var row = await LoadAsync(paymentId, cancellationToken) ?? throw new PaymentProviderException(404, "Not Found", $"No payment exists with token {paymentId}.");
        SandboxRefund created;
        lock (_lock)
        {
            created = row.Refunds.Find(r => r.IdempotencyKey == refund.IdempotencyKey) ?? Add(row, refund);
        }

        await SaveAsync(row, cancellationToken);
        _ = CompleteRefundLaterAsync(paymentId);
        return created.ToProvider(paymentId, time.GetUtcNow(), RefundDelay);
    }

    public async ValueTask<IReadOnlyList<ProviderRefund>> ListRefundsAsync(ProviderCredentials credentials, string paymentId, CancellationToken cancellationToken)
    {
        var row = await LoadAsync(paymentId, cancellationToken);
        var now = time.GetUtcNow();
        return row is null ? [] : [.. row.Refunds.Select(r => r.ToProvider(paymentId, now, RefundDelay))];
    }

    /// <summary>What the checkout page does: pays, fails, cancels or expires an open payment, then notifies.</summary>
    /// <returns>The payment's status afterwards, or null for an unknown payment.</returns>
    public async ValueTask<PaymentStatus?> CompleteAsync(string paymentId, PaymentStatus outcome, CancellationToken cancellationToken)
    {
        var row = await LoadAsync(paymentId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var current = row.ToProvider(time.GetUtcNow(), checkoutBase()).Status;
        if (current is PaymentStatus.Open or PaymentStatus.Pending or PaymentStatus.Authorized)
        {
            row.Status = outcome.ToWire();
            if (outcome == PaymentStatus.Paid)
            {
                row.PaidAt = time.GetUtcNow();
            }

            await SaveAsync(row, cancellationToken);
            current = outcome;
        }

        if (Notify is { } notify)
        {
            await notify(paymentId);
        }

        return current;
    }

    /// <summary>The sandbox payment behind our payment id (for the checkout page), or null.</summary>
    public async ValueTask<ProviderPayment?> FindByOurIdAsync(string ourPaymentId, CancellationToken cancellationToken) =>
        await state.GetAsync("ours/" + ourPaymentId, cancellationToken) is { } id
            ? await GetPaymentAsync(PaymentAccounts.NoCredentials, System.Text.Encoding.UTF8.GetString(id), cancellationToken)
            : null;

    private SandboxRefund Add(SandboxPayment row, NewProviderRefund refund)
    {
        var created = new SandboxRefund
        {
            Id = "sbr_" + Guid.CreateVersion7().ToString("N"),
            IdempotencyKey = refund.IdempotencyKey,
            AmountMinor = refund.Amount.MinorUnits,
            Currency = refund.Amount.Currency,
            Description = refund.Description,
            CreatedAt = time.GetUtcNow(),
            Metadata = new Dictionary<string, string>(refund.Metadata, StringComparer.Ordinal),
        };
        row.Refunds.Add(created);
        return created;
    }

    /// <summary>Stops pending refund notifications (idempotent: the container may dispose it under two service types).</summary>
    public void Dispose() => _disposed.Cancel();

    private async Task CompleteRefundLaterAsync(string paymentId)
    {
        try
        {
            await Task.Delay(RefundDelay, time, _disposed.Token);
        }
        catch (OperationCanceledException)
        {
            return; // stopping: the periodic re-fetch sees the refund after the restart
        }

        if (Notify is { } notify)
        {
            await notify(paymentId);
        }
    }

    private async ValueTask<SandboxPayment?> LoadAsync(string id, CancellationToken cancellationToken) =>
        await state.GetAsync("pay/" + id, cancellationToken) is { } bytes ? JsonSerializer.Deserialize(bytes, SandboxJsonContext.Default.SandboxPayment) : null;

    private async ValueTask SaveAsync(SandboxPayment row, CancellationToken cancellationToken)
    {
        await state.PutAsync("pay/" + row.Id, JsonSerializer.SerializeToUtf8Bytes(row, SandboxJsonContext.Default.SandboxPayment), cancellationToken);
        await state.PutAsync("ours/" + row.OurId, System.Text.Encoding.UTF8.GetBytes(row.Id), cancellationToken);
    }
}
