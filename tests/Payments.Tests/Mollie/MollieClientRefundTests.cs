using System.Text.Json;
using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments.Tests.Mollie;

public class MollieClientRefundTests
{
    [Fact]
    public async Task A_refund_is_created_with_its_idempotency_key_and_reduces_what_remains()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync("24.95");
        var sent = MollieHarness.NewRefund("5.95");

        var refund = await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, sent, CancellationToken.None);

        Assert.StartsWith("re_", refund.Id, StringComparison.Ordinal);
        Assert.Equal(payment.Id, refund.PaymentId);
        Assert.Equal(RefundStatus.Pending, refund.Status);
        Assert.Equal(MollieHarness.Money("EUR", "5.95"), refund.Amount);
        Assert.Equal("Partial refund", refund.Description);
        Assert.Equal("c_77", refund.Metadata["conv"]);

        var request = harness.Fake.Requests[^1];
        Assert.Equal($"/v2/payments/{payment.Id}/refunds", request.Path);
        Assert.Equal(sent.IdempotencyKey, request.IdempotencyKey);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("5.95", body.RootElement.GetProperty("amount").GetProperty("value").GetString());

        var after = await harness.Client.GetPaymentAsync(harness.Credentials, payment.Id, CancellationToken.None);
        Assert.Equal(MollieHarness.Money("EUR", "5.95"), after!.AmountRefunded);
        Assert.Equal(MollieHarness.Money("EUR", "19.00"), after.AmountRemaining);
    }

    [Fact]
    public async Task More_than_remains_is_422_on_the_amount_field()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync("24.95");
        await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, MollieHarness.NewRefund("20.00"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, MollieHarness.NewRefund("5.00"), CancellationToken.None));

        Assert.Equal(422, e.Status);
        Assert.Equal("Unprocessable Entity", e.Title);
        Assert.Equal("The amount is higher than the maximum", e.Detail);
        Assert.Equal("amount", e.Field);
        Assert.False(e.IsTransient);
        Assert.Single(harness.Fake.GetPayment(payment.Id)!.Refunds);
    }

    [Fact]
    public async Task Another_currency_than_the_payments_is_422_on_the_amount_field()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync("24.95");

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, MollieHarness.NewRefund("5.00", "USD"), CancellationToken.None));

        Assert.Equal(422, e.Status);
        Assert.Equal("amount", e.Field);
    }

    [Fact]
    public async Task An_unpaid_payment_cannot_be_refunded()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, MollieHarness.NewRefund("5.00"), CancellationToken.None));

        Assert.Equal(422, e.Status);
        Assert.Contains("cannot be refunded", e.Detail, StringComparison.Ordinal);
        Assert.Empty(harness.Fake.GetPayment(payment.Id)!.Refunds);
    }

    [Fact]
    public async Task A_duplicate_refund_is_409_but_a_retry_with_the_same_key_replays()
    {
        await using var harness = await MollieHarness.StartAsync();
        harness.Fake.DetectDuplicateRefunds = true;
        var payment = await harness.CreatePaidPaymentAsync("24.95");
        var sent = MollieHarness.NewRefund("5.00");
        var first = await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, sent, CancellationToken.None);

        var retried = await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, sent, CancellationToken.None);
        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, MollieHarness.NewRefund("5.00"), CancellationToken.None));

        Assert.Equal(first.Id, retried.Id);
        Assert.True(harness.Fake.Requests[^2].Replayed);
        Assert.Equal(409, e.Status);
        Assert.Equal("A duplicate refund has been detected", e.Detail);
        Assert.Single(harness.Fake.GetPayment(payment.Id)!.Refunds);
    }

    [Fact]
    public async Task Listing_follows_the_next_links_across_pages()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync("24.95");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, MollieHarness.NewRefund("1.00"), CancellationToken.None)).Id);
        }

        harness.Fake.SetRefundStatus(payment.Id, created[0], "refunded");
        harness.Fake.MaxPageSize = 2;

        var refunds = await harness.Client.ListRefundsAsync(harness.Credentials, payment.Id, CancellationToken.None);

        Assert.Equal(created.Order(StringComparer.Ordinal), refunds.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(refunds, r => Assert.Equal(payment.Id, r.PaymentId));
        Assert.Equal(RefundStatus.Refunded, refunds.Single(r => r.Id == created[0]).Status);
        var pages = harness.Fake.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(3, pages.Count);
        Assert.Equal("?limit=250", pages[0].Query);
        Assert.All(pages[1..], p => Assert.Contains("from=re_", p.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payment_without_refunds_lists_none()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync();

        Assert.Empty(await harness.Client.ListRefundsAsync(harness.Credentials, payment.Id, CancellationToken.None));
    }
}
