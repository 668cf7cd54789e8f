using MessagingGateway.Core.Payments;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IPaymentStore"/> does: insert-if-absent, compare-and-set on version, the indexes, refunds.</summary>
public abstract class PaymentStoreContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Guid LinkMessageId = Guid.Parse("01990000-0000-7000-8000-000000000042");

    protected abstract IPaymentStore Payments { get; }

    [Fact]
    public async Task A_payment_is_inserted_once_and_reads_back_whole()
    {
        var payment = Payment("pay_1");

        Assert.True(await Payments.InsertPaymentAsync(payment));
        Assert.False(await Payments.InsertPaymentAsync(payment with { AmountMinor = 1, Version = 7 }));

        Assert.Equal(payment, await Payments.GetPaymentAsync("pay_1"));
        Assert.Null(await Payments.GetPaymentAsync("pay_2"));
    }

    [Fact]
    public async Task An_update_applies_only_at_the_expected_version()
    {
        await Payments.InsertPaymentAsync(Payment("pay_1"));
        var paid = Payment("pay_1") with { Status = "paid", PaidAt = T0.AddMinutes(1), UpdatedAt = T0.AddMinutes(1), Version = 2 };

        Assert.True(await Payments.TryUpdatePaymentAsync(paid, expectedVersion: 1));
        Assert.False(await Payments.TryUpdatePaymentAsync(paid with { Status = "failed", Version = 2 }, expectedVersion: 1));
        Assert.False(await Payments.TryUpdatePaymentAsync(paid with { Version = 4 }, expectedVersion: 3));

        Assert.Equal(paid, await Payments.GetPaymentAsync("pay_1"));
        Assert.False(await Payments.TryUpdatePaymentAsync(Payment("pay_unknown") with { Version = 2 }, expectedVersion: 1));
        Assert.Null(await Payments.GetPaymentAsync("pay_unknown"));
    }

    [Fact]
    public async Task Of_concurrent_updates_from_one_version_exactly_one_wins()
    {
        await Payments.InsertPaymentAsync(Payment("pay_1"));

        var results = await AllAtOnceAsync(16, async i => (Refunded: (long)i + 1, Won: await Payments.TryUpdatePaymentAsync(Payment("pay_1") with { RefundedMinor = i + 1, Version = 2 }, expectedVersion: 1)));

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal(winner.Refunded, (await Payments.GetPaymentAsync("pay_1"))!.RefundedMinor);
    }

    [Fact]
    public async Task The_provider_id_finds_the_payment_once_the_provider_created_it()
    {
        await Payments.InsertPaymentAsync(Payment("pay_1"));
        Assert.Null(await Payments.FindByProviderIdAsync("mollie", "tr_1"));

        Assert.True(await Payments.TryUpdatePaymentAsync(Payment("pay_1") with { ProviderPaymentId = "tr_1", Version = 2 }, expectedVersion: 1));
        await Payments.InsertPaymentAsync(Payment("pay_2") with { ProviderPaymentId = "tr_2" });

        Assert.Equal("pay_1", await Payments.FindByProviderIdAsync("mollie", "tr_1"));
        Assert.Equal("pay_2", await Payments.FindByProviderIdAsync("mollie", "tr_2"));
        Assert.Null(await Payments.FindByProviderIdAsync("sandbox", "tr_1"));
    }

    [Fact]
    public async Task A_conversation_lists_its_payments_in_id_order_after_a_cursor()
    {
        foreach (var id in new[] { "pay_03", "pay_01", "pay_02" })
        {
            await Payments.InsertPaymentAsync(Payment(id));
        }

        await Payments.InsertPaymentAsync(Payment("pay_00") with { ConversationId = "cnv-b" });

        Assert.Equal(["pay_01", "pay_02", "pay_03"], (await Payments.ListPaymentsAsync("cnv-a", null, 10)).Select(p => p.Id));
        Assert.Equal(["pay_01", "pay_02"], (await Payments.ListPaymentsAsync("cnv-a", null, 2)).Select(p => p.Id));
        Assert.Equal(["pay_03"], (await Payments.ListPaymentsAsync("cnv-a", "pay_02", 10)).Select(p => p.Id));
        Assert.Equal(["pay_02", "pay_03"], (await Payments.ListPaymentsAsync("cnv-a", "pay_01x", 10)).Select(p => p.Id));
        Assert.Empty(await Payments.ListPaymentsAsync("cnv-a", "pay_03", 10));
        Assert.Equal(["pay_00"], (await Payments.ListPaymentsAsync("cnv-b", null, 10)).Select(p => p.Id));
        Assert.Empty(await Payments.ListPaymentsAsync("cnv-c", null, 10));
    }

    [Fact]
    public async Task Open_payments_are_listed_until_they_reach_a_final_status()
    {
        await Payments.InsertPaymentAsync(Payment("pay_1"));
        await Payments.InsertPaymentAsync(Payment("pay_2") with { Status = "pending" });
        await Payments.InsertPaymentAsync(Payment("pay_3") with { Status = "expired" });
        Assert.Equal(["pay_1", "pay_2"], (await Payments.ListOpenPaymentsAsync()).Select(p => p.Id));

        await Payments.TryUpdatePaymentAsync(Payment("pay_1") with { Status = "paid", Version = 2 }, expectedVersion: 1);
        await Payments.TryUpdatePaymentAsync(Payment("pay_2") with { Status = "authorized", Version = 2 }, expectedVersion: 1);

        var open = Assert.Single(await Payments.ListOpenPaymentsAsync());
        Assert.Equal(("pay_2", "authorized"), (open.Id, open.Status));
    }

    [Fact]
    public async Task Refunds_are_kept_per_payment_in_id_order_and_replaced_when_put_again()
    {
        var first = Refund("pay_1", "re_2");
        await Payments.PutRefundAsync(first);
        await Payments.PutRefundAsync(Refund("pay_1", "re_1"));
        await Payments.PutRefundAsync(Refund("pay_2", "re_3"));
        var created = first with { ProviderRefundId = "re_mollie_2", Status = "pending", UpdatedAt = T0.AddMinutes(1) };

        await Payments.PutRefundAsync(created);

        Assert.Equal(created, await Payments.GetRefundAsync("pay_1", "re_2"));
        Assert.Null(await Payments.GetRefundAsync("pay_2", "re_2"));
        Assert.Equal(["re_1", "re_2"], (await Payments.ListRefundsAsync("pay_1")).Select(r => r.Id));
        Assert.Empty(await Payments.ListRefundsAsync("pay_3"));
    }

    [Fact]
    public async Task Unsent_refunds_are_listed_until_the_provider_created_them_or_they_were_given_up()
    {
        await Payments.PutRefundAsync(Refund("pay_1", "re_1"));
        await Payments.PutRefundAsync(Refund("pay_1", "re_2"));
        await Payments.PutRefundAsync(Refund("pay_2", "re_3"));
        Assert.Equal(["re_1", "re_2", "re_3"], (await Payments.ListUnsentRefundsAsync()).Select(r => r.Id));

        await Payments.PutRefundAsync(Refund("pay_1", "re_1") with { ProviderRefundId = "re_mollie_1", Status = "pending" });
        await Payments.PutRefundAsync(Refund("pay_2", "re_3") with { Status = "failed" });

        Assert.Equal(["re_2"], (await Payments.ListUnsentRefundsAsync()).Select(r => r.Id));
    }

    protected static PaymentRecord Payment(string id) => new(
        id,
        "tenant",
        "cnv-a",
        "mollie",
        null,
        "open",
        "EUR",
        1250,
        0,
        "Order 42",
        "https://checkout.example/" + id,
        LinkMessageId,
        T0,
        T0.AddMinutes(15),
        null,
        T0,
        1,
        RedirectUrl: "https://shop.example/thanks",
        WebhookUrl: "https://gateway.example/webhooks/mollie");

    private static RefundRecord Refund(string paymentId, string id) =>
        new(id, paymentId, "tenant", "cnv-a", null, "queued", "EUR", 250, "Broken item", T0, T0);
}
