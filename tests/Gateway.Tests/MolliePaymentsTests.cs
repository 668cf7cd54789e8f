using System.Net;
using System.Text.Json.Nodes;
using MessagingGateway.Payments.Mollie;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Payments through Mollie, against a fake that follows Mollie's documented API: the typed client
/// creates with our id as idempotency key, Mollie's unsigned webhook only makes us fetch, refunds
/// carry their own keys, and Mollie's errors come back as clear problems without the key.
/// </summary>
public sealed class MolliePaymentsTests
{
    [Fact]
    public async Task A_payment_and_a_refund_through_mollie_reach_the_chat_and_the_events_by_fetching_after_each_webhook()
    {
        await using var mollie = await FakeMollie.StartAsync(TestTenants.HooliMollieKey);
        await using var gateway = await StartAsync(mollie);
        using var client = gateway.Client(TestTenants.HooliKey);
        var conversation = await PaymentsTests.OpenConversationAsync(client, "+31612340101");

        var payment = await PaymentsTests.CreatePaymentAsync(client, conversation, "24.95", "Suitcase A-1001");
        var paymentId = payment["id"]!.GetValue<string>();
        var atMollie = Assert.Single(mollie.Payments);
        Assert.Equal(paymentId, atMollie.IdempotencyKey);
        Assert.Equal(gateway.BaseAddress + "webhooks/payments/mollie", atMollie.WebhookUrl);
        Assert.Contains(paymentId, atMollie.MetadataJson, StringComparison.Ordinal);
        Assert.StartsWith(mollie.BaseAddress.GetLeftPart(UriPartial.Authority), payment["checkoutUrl"]!.GetValue<string>(), StringComparison.Ordinal);

        // Mollie's webhook says only "id=tr_…"; the gateway fetches and sees paid.
        mollie.SetPaymentStatus(atMollie.Id, "paid");
        var attempts = await mollie.NotifyAsync(atMollie.Id);
        Assert.Equal(200, attempts[^1].StatusCode);
        await PaymentsTests.WaitForPaymentAsync(client, paymentId, p => p["status"]!.GetValue<string>() == "paid");
        await client.WaitForTimelineAsync(conversation, 3);
        Assert.Equal("Payment of €24.95 received. Thank you!", (await client.ReadTimelineAsync(conversation))[2]["content"]!["text"]!.GetValue<string>());

        using var refundResponse = await client.PostJsonAsync($"/v1/payments/{paymentId}/refunds", """{ "amount": { "currency": "EUR", "value": "4.95" }, "description": "Scratch" }""");
        var refund = await GatewayClient.ReadJsonAsync(refundResponse);
        Assert.True(refundResponse.StatusCode == HttpStatusCode.Created, refund.ToJsonString());
        var mollieRefund = Assert.Single(mollie.GetPayment(atMollie.Id)!.Refunds);
        Assert.Equal(refund["id"]!.GetValue<string>(), mollie.Requests.Single(r => r.Path.EndsWith("/refunds", StringComparison.Ordinal) && r.Method == "POST").IdempotencyKey);

        mollie.SetRefundStatus(atMollie.Id, mollieRefund.Id, "refunded");
        await mollie.NotifyAsync(atMollie.Id);
        await PaymentsTests.WaitForPaymentAsync(client, paymentId, p => p["refunds"]![0]!["status"]!.GetValue<string>() == "refunded");
        var events = await client.ReadEventsAsync();
        Assert.Single(events, e => e["type"]!.GetValue<string>() == "payment.status");
        Assert.Equal(["pending", "refunded"], events.Where(e => e["type"]!.GetValue<string>() == "refund.status").Select(e => e["data"]!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_rate_limited_create_is_retried_with_the_same_key_and_makes_one_payment()
    {
        await using var mollie = await FakeMollie.StartAsync(TestTenants.HooliMollieKey);
        await using var gateway = await StartAsync(mollie);
        using var client = gateway.Client(TestTenants.HooliKey);
        var conversation = await PaymentsTests.OpenConversationAsync(client, "+31612340102");

        mollie.FailNext(2, 429);
        await PaymentsTests.CreatePaymentAsync(client, conversation, "10.00", "Retry me");

        Assert.Single(mollie.Payments);
        var keys = mollie.Requests.Where(r => r.Method == "POST" && r.Path == "/v2/payments").Select(r => r.IdempotencyKey).Distinct();
        Assert.Single(keys);
    }

    [Fact]
    public async Task Mollies_refusals_are_clear_problems_that_never_show_the_key()
    {
        await using var mollie = await FakeMollie.StartAsync("test_SomeOtherAccountKey0123456789ab");
        await using var gateway = await StartAsync(mollie);
        using var client = gateway.Client(TestTenants.HooliKey);
        var conversation = await PaymentsTests.OpenConversationAsync(client, "+31612340103");

        using var response = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", """{ "amount": { "currency": "EUR", "value": "10.00" }, "description": "x" }""");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("provider-credentials", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestTenants.HooliMollieKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestTenants.HooliMollieKey[^8..], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refund_mollie_could_not_take_stays_reserved_and_is_sent_again_with_the_same_key()
    {
        await using var mollie = await FakeMollie.StartAsync(TestTenants.HooliMollieKey);
        await using var gateway = await StartAsync(mollie, "--Payments:ReconcileInterval=00:00:00.300");
        using var client = gateway.Client(TestTenants.HooliKey);
        var conversation = await PaymentsTests.OpenConversationAsync(client, "+31612340104");
        var paymentId = (await PaymentsTests.CreatePaymentAsync(client, conversation, "50.00", "Down"))["id"]!.GetValue<string>();
        var atMollie = Assert.Single(mollie.Payments);
        mollie.SetPaymentStatus(atMollie.Id, "paid");
        await mollie.NotifyAsync(atMollie.Id);
        await PaymentsTests.WaitForPaymentAsync(client, paymentId, p => p["status"]!.GetValue<string>() == "paid");

        mollie.FailNext(5, 503); // every attempt of the client's retries
        using var down = await client.PostJsonAsync($"/v1/payments/{paymentId}/refunds", """{ "amount": { "currency": "EUR", "value": "20.00" } }""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        using (var reserved = await client.GetAsync($"/v1/payments/{paymentId}"))
        {
            Assert.Equal("30.00", (await GatewayClient.ReadJsonAsync(reserved))["amountRemaining"]!["value"]!.GetValue<string>());
        }

        var sent = await PaymentsTests.WaitForPaymentAsync(client, paymentId, p => p["refunds"]![0]!["status"]!.GetValue<string>() != "queued");
        Assert.Equal("pending", sent["refunds"]![0]!["status"]!.GetValue<string>());
        Assert.Single(mollie.GetPayment(atMollie.Id)!.Refunds);
        var keys = mollie.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/refunds", StringComparison.Ordinal)).Select(r => r.IdempotencyKey).Distinct();
        Assert.Equal([sent["refunds"]![0]!["id"]!.GetValue<string>()], keys);
    }

    private static async Task<InProcessGateway> StartAsync(FakeMollie mollie, params string[] extra)
    {
        var port = GatewayProcess.FreePort();
        return await InProcessGateway.StartAsync(
            null,
            services => services.Configure<HttpRetryStrategyOptions>(MollieServiceCollectionExtensions.RetryOptionsName, retry => retry.Delay = TimeSpan.FromMilliseconds(10)),
            [
                "--urls", $"http://127.0.0.1:{port}",
                $"--Payments:PublicBaseUrl=http://127.0.0.1:{port}/",
                $"--Payments:MollieApiBaseUrl={mollie.BaseAddress}",
                "--Sandbox:ReceiptDelay=00:00:00.010",
                .. extra,
            ]);
    }
}
