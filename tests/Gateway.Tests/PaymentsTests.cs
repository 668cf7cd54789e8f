using System.Net;
using System.Text.Json.Nodes;
using MessagingGateway.Core.Payments;
using MessagingGateway.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Payments in a conversation on the sandbox provider, through the public API: the link in the
/// chat, paying on the checkout, events and confirmations in conversation order, refunds that
/// never exceed what was paid (also twenty at once), and the money rules.
/// </summary>
public class PaymentsTests : GatewayTest
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    protected override bool StartsSharedGateway => false;

    [Fact]
    public async Task A_link_paid_in_the_sandbox_then_refunded_in_parts_shows_in_the_chat_and_the_event_stream_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010", "--Payments:SandboxRefundDelay=00:00:00.050");
        using var client = gateway.Client();
        await client.ConfigureWebhookAsync(receiver.Url, Secret);
        var customer = "+31612340001";
        var conversation = await OpenConversationAsync(client, customer);

        var payment = await CreatePaymentAsync(client, conversation, "24.95", "Koffer A-1001");
        var paymentId = payment["id"]!.GetValue<string>();
        Assert.Equal("open", payment["status"]!.GetValue<string>());
        var checkoutUrl = payment["checkoutUrl"]!.GetValue<string>();
        Assert.Equal(gateway.BaseAddress + "sandbox/checkout/" + paymentId, checkoutUrl);

        // The link is in the chat and on the customer's handset.
        await client.WaitForTimelineAsync(conversation, 2);
        var handset = await WaitForHandsetAsync(client, customer, 2);
        var link = handset[1]["content"]!;
        Assert.Equal("payment", link["type"]!.GetValue<string>());
        Assert.Equal(checkoutUrl, link["url"]!.GetValue<string>());
        Assert.Equal("24.95", link["amount"]!["value"]!.GetValue<string>());

        // The customer pays on the checkout page (anonymously, by link).
        using var anonymous = gateway.Client(apiKey: null);
        using (var page = await anonymous.GetAsync(new Uri(checkoutUrl).AbsolutePath))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Koffer A-1001", html, StringComparison.Ordinal);
            Assert.Contains("€ 24,95", html, StringComparison.Ordinal);
        }

        using (var pay = await anonymous.PostJsonAsync(new Uri(checkoutUrl).AbsolutePath, """{ "outcome": "paid" }"""))
        {
            Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        }

        var paid = await WaitForPaymentAsync(client, paymentId, p => p["status"]!.GetValue<string>() == "paid");
        Assert.Equal("24.95", paid["amountRemaining"]!["value"]!.GetValue<string>());
        await client.WaitForTimelineAsync(conversation, 3);

        // Part of it back, then more than is left (refused), then the rest.
        var first = await RefundAsync(client, paymentId, """{ "amount": { "currency": "EUR", "value": "5.00" }, "description": "Deel terug" }""", HttpStatusCode.Created);
        await RefundAsync(client, paymentId, """{ "amount": { "currency": "EUR", "value": "19.96" } }""", HttpStatusCode.UnprocessableEntity);
        var rest = await RefundAsync(client, paymentId, "{}", HttpStatusCode.Created);
        Assert.Equal("19.95", rest["amount"]!["value"]!.GetValue<string>());
        await RefundAsync(client, paymentId, "{}", HttpStatusCode.UnprocessableEntity);

        await WaitForPaymentAsync(client, paymentId, p => p["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() == "refunded"));
        await client.WaitForTimelineAsync(conversation, 5);
        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal(
            ["text", "payment", "text", "text", "text"],
            timeline.Select(m => m["content"]!["type"]!.GetValue<string>()));
        Assert.Equal("Betaling van € 24,95 ontvangen. Dank je wel!", timeline[2]["content"]!["text"]!.GetValue<string>());
        Assert.Equal(
            ["We hebben € 19,95 teruggestort.", "We hebben € 5,00 teruggestort."],
            timeline.Skip(3).Select(m => m["content"]!["text"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        // The event stream: payment.status paid after the link's message events began, one per refund.
        var events = await client.ReadEventsAsync();
        var paymentEvents = events.Where(e => e["type"]!.GetValue<string>() == "payment.status").ToList();
        var paidEvent = Assert.Single(paymentEvents);
        Assert.Equal("paid", paidEvent["data"]!["status"]!.GetValue<string>());
        Assert.Equal(conversation, paidEvent["conversationId"]!.GetValue<string>());
        var refundEvents = events.Where(e => e["type"]!.GetValue<string>() == "refund.status").ToList();
        foreach (var refundId in (string[])[first["id"]!.GetValue<string>(), rest["id"]!.GetValue<string>()])
        {
            // Each refund: pending when created, then refunded, in that order.
            Assert.Equal(["pending", "refunded"], refundEvents.Where(e => e["data"]!["refundId"]!.GetValue<string>() == refundId).Select(e => e["data"]!["status"]!.GetValue<string>()));
        }

        var paidAt = events.IndexOf(paidEvent);
        var confirmationQueued = events.FindIndex(e => e["type"]!.GetValue<string>() == "message.status" && e["data"]!["messageId"]!.GetValue<string>() == timeline[2]["id"]!.GetValue<string>());
        Assert.True(paidAt < confirmationQueued, "the paid event comes before its confirmation's statuses");

        // And the same through the signed webhook.
        await receiver.WaitForAsync(received => received.Count(w => w.BodyText.Contains("\"refund.status\"", StringComparison.Ordinal)) == 4, TimeSpan.FromSeconds(20));
        Assert.Single(receiver.Received, w => w.BodyText.Contains("\"payment.status\"", StringComparison.Ordinal));

        // Counted for operators.
        using var metrics = await client.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("mgw_payments_created_total", text, StringComparison.Ordinal);
        Assert.Contains("mgw_refunds_statuses_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twenty_simultaneous_refunds_of_ten_percent_never_exceed_the_amount_paid()
    {
        await using var gateway = await StartGatewayAsync("--Payments:SandboxRefundDelay=00:00:00.050");
        using var client = gateway.Client();
        var conversation = await OpenConversationAsync(client, "+31612340002");
        var paymentId = (await CreatePaymentAsync(client, conversation, "100.00", "Bestelling B-2002"))["id"]!.GetValue<string>();
        await PayAsync(gateway, paymentId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.PostJsonAsync($"/v1/payments/{paymentId}/refunds", """{ "amount": { "currency": "EUR", "value": "10.00" } }""");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Contains("amountRemaining", a.Body, StringComparison.Ordinal));
        using var read = await client.GetAsync($"/v1/payments/{paymentId}");
        var payment = await GatewayClient.ReadJsonAsync(read);
        Assert.Equal("100.00", payment["amountRefunded"]!["value"]!.GetValue<string>());
        Assert.Equal("0.00", payment["amountRemaining"]!["value"]!.GetValue<string>());
        Assert.Equal(10, payment["refunds"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{ "amount": { "currency": "EUR", "value": "24.9" }, "description": "x" }""", "amount")]
    [InlineData("""{ "amount": { "currency": "EUR", "value": "24.950" }, "description": "x" }""", "amount")]
    [InlineData("""{ "amount": { "currency": "JPY", "value": "1500.00" }, "description": "x" }""", "amount")]
    [InlineData("""{ "amount": { "currency": "EUR", "value": "0.00" }, "description": "x" }""", "amount.value")]
    [InlineData("""{ "amount": { "currency": "EUR", "value": "-1.00" }, "description": "x" }""", "amount")]
    [InlineData("""{ "amount": { "currency": "XYZ", "value": "1.00" }, "description": "x" }""", "amount")]
    [InlineData("""{ "amount": { "currency": "EUR", "value": 24.95 }, "description": "x" }""", "amount.value")]
    [InlineData("""{ "amount": { "currency": "EUR", "value": "24.95" } }""", "description")]
    [InlineData("""{ "description": "x" }""", "amount")]
    [InlineData("""{ "amount": { "currency": "EUR", "value": "24.95" }, "description": "x", "expiresAt": "2020-01-01T00:00:00Z" }""", "expiresAt")]
    public async Task Amounts_are_exact_decimal_strings_with_the_currencys_decimals(string body, string field)
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        var conversation = await OpenConversationAsync(client, "+31612340003");

        using var response = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", body);

        var problem = await GatewayClient.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToJsonString());
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task Zero_decimal_currencies_work_and_refunds_of_an_unpaid_payment_or_another_currency_are_refused()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        var conversation = await OpenConversationAsync(client, "+31612340004");
        var payment = await CreatePaymentAsync(client, conversation, "1500", "Yen", currency: "JPY");
        var paymentId = payment["id"]!.GetValue<string>();
        Assert.Equal("1500", payment["amount"]!["value"]!.GetValue<string>());

        await RefundAsync(client, paymentId, "{}", HttpStatusCode.UnprocessableEntity); // not paid yet
        await PayAsync(gateway, paymentId);
        await RefundAsync(client, paymentId, """{ "amount": { "currency": "EUR", "value": "1.00" } }""", HttpStatusCode.UnprocessableEntity);
        var refund = await RefundAsync(client, paymentId, """{ "amount": { "currency": "JPY", "value": "500" } }""", HttpStatusCode.Created);
        Assert.Equal("500", refund["amount"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_payment_created_twice_with_one_idempotency_key_is_one_payment_and_one_link()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        var conversation = await OpenConversationAsync(client, "+31612340005");
        const string Body = """{ "amount": { "currency": "EUR", "value": "12.50" }, "description": "Order C-3003" }""";

        using var first = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body, "pay-C-3003");
        using var second = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body, "pay-C-3003");
        using var other = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body.Replace("12.50", "13.50", StringComparison.Ordinal), "pay-C-3003");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await GatewayClient.ReadJsonAsync(first))["id"]!.GetValue<string>(), (await GatewayClient.ReadJsonAsync(second))["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        using var list = await client.GetAsync($"/v1/conversations/{conversation}/payments");
        Assert.Single((await GatewayClient.ReadJsonAsync(list))["items"]!.AsArray());
        await client.WaitForTimelineAsync(conversation, 2);
        Assert.Equal(2, (await client.ReadTimelineAsync(conversation)).Count);
    }

    [Fact]
    public async Task Duplicate_late_and_unknown_notifications_change_nothing()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        var conversation = await OpenConversationAsync(client, "+31612340006");
        var paymentId = (await CreatePaymentAsync(client, conversation, "9.99", "Order D-4004"))["id"]!.GetValue<string>();
        await PayAsync(gateway, paymentId);
        await client.WaitForTimelineAsync(conversation, 3);

        // The same outcome again, a late "pending" after "paid", and Mollie posts for ids we never made.
        using var anonymous = gateway.Client(apiKey: null);
        using (var again = await anonymous.PostJsonAsync($"/sandbox/checkout/{paymentId}", """{ "outcome": "paid" }"""))
        {
            Assert.Equal("paid", (await GatewayClient.ReadJsonAsync(again))["status"]!.GetValue<string>());
        }

        var sync = gateway.Services.GetRequiredService<PaymentSync>();
        await sync.AppendAsync([new PaymentUpdate("acme", conversation, paymentId, null, "pending", DateTimeOffset.UtcNow)], CancellationToken.None);
        await sync.AppendAsync([new PaymentUpdate("acme", conversation, paymentId, null, "paid", DateTimeOffset.UtcNow)], CancellationToken.None);
        foreach (var body in (string[])["id=tr_unknown123", "id=re_x", "junk", ""])
        {
            using var form = new FormUrlEncodedContent([]);
            using var post = await anonymous.Http.PostAsync("/webhooks/payments/mollie", new StringContent(body, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        // A marker after all of them: once it is on the timeline, they have all been applied.
        await client.SendAsync(GatewayClient.SandboxText("+31612340006", "marker"));
        await client.WaitForTimelineAsync(conversation, 4);
        using var read = await client.GetAsync($"/v1/payments/{paymentId}");
        Assert.Equal("paid", (await GatewayClient.ReadJsonAsync(read))["status"]!.GetValue<string>());
        var events = await client.ReadEventsAsync();
        Assert.Single(events, e => e["type"]!.GetValue<string>() == "payment.status");
        Assert.Equal(4, (await client.ReadTimelineAsync(conversation)).Count);
    }

    [Fact]
    public async Task An_expired_link_is_seen_by_the_periodic_refetch_and_confirmed_in_the_chat()
    {
        await using var gateway = await StartGatewayAsync("--Payments:ReconcileInterval=00:00:00.200");
        using var client = gateway.Client();
        var conversation = await OpenConversationAsync(client, "+31612340007");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using var created = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", $$"""{ "amount": { "currency": "EUR", "value": "7.50" }, "description": "E-5005", "expiresAt": "{{expiresAt}}" }""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var paymentId = (await GatewayClient.ReadJsonAsync(created))["id"]!.GetValue<string>();

        await WaitForPaymentAsync(client, paymentId, p => p["status"]!.GetValue<string>() == "expired");
        await client.WaitForTimelineAsync(conversation, 3);
        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal("De betaallink voor € 7,50 is verlopen.", timeline[2]["content"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenants_payments_are_not_found()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        using var globex = gateway.Client(TestTenants.GlobexKey);
        var conversation = await OpenConversationAsync(client, "+31612340008");
        var paymentId = (await CreatePaymentAsync(client, conversation, "1.00", "F-6006"))["id"]!.GetValue<string>();

        using var read = await globex.GetAsync($"/v1/payments/{paymentId}");
        using var refund = await globex.PostJsonAsync($"/v1/payments/{paymentId}/refunds", "{}");
        using var create = await globex.PostJsonAsync($"/v1/conversations/{conversation}/payments", """{ "amount": { "currency": "EUR", "value": "1.00" }, "description": "x" }""");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, refund.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, create.StatusCode);
    }

    internal static async Task<string> OpenConversationAsync(GatewayClient client, string customer)
    {
        var sent = await client.SendAsync(GatewayClient.SandboxText(customer, "Je koffer is kapot? We sturen een nieuwe."));
        return sent["conversationId"]!.GetValue<string>();
    }

    internal static async Task<JsonObject> CreatePaymentAsync(GatewayClient client, string conversation, string value, string description, string currency = "EUR")
    {
        using var response = await client.PostJsonAsync($"/v1/conversations/{conversation}/payments", new JsonObject
        {
            ["amount"] = new JsonObject { ["currency"] = currency, ["value"] = value },
            ["description"] = description,
        }.ToJsonString());
        var body = await GatewayClient.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    private static async Task PayAsync(InProcessGateway gateway, string paymentId)
    {
        using var anonymous = gateway.Client(apiKey: null);
        using var pay = await anonymous.PostJsonAsync($"/sandbox/checkout/{paymentId}", """{ "outcome": "paid" }""");
        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        using var client = gateway.Client();
        await WaitForPaymentAsync(client, paymentId, p => p["status"]!.GetValue<string>() == "paid");
    }

    private static async Task<JsonObject> RefundAsync(GatewayClient client, string paymentId, string body, HttpStatusCode expected)
    {
        using var response = await client.PostJsonAsync($"/v1/payments/{paymentId}/refunds", body);
        var json = await GatewayClient.ReadJsonAsync(response);
        Assert.True(response.StatusCode == expected, $"{body} → {(int)response.StatusCode} {json.ToJsonString()}");
        return json;
    }

    internal static async Task<JsonObject> WaitForPaymentAsync(GatewayClient client, string paymentId, Func<JsonObject, bool> condition)
    {
        JsonObject? payment = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await client.GetAsync($"/v1/payments/{paymentId}");
                payment = await GatewayClient.ReadJsonAsync(response);
                return response.IsSuccessStatusCode && condition(payment);
            },
            TimeSpan.FromSeconds(20),
            () => $"payment {paymentId} getting there (last seen: {payment?.ToJsonString()})");
        return payment!;
    }

    private static async Task<List<JsonObject>> WaitForHandsetAsync(GatewayClient client, string address, int count)
    {
        List<JsonObject> inbox = [];
        await Eventually.HoldsAsync(
            async () => (inbox = await client.HandsetInboxAsync(address)).Count >= count,
            TimeSpan.FromSeconds(20),
            () => $"{count} messages at handset {address} (it has {inbox.Count})");
        return inbox;
    }
}
