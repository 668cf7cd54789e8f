using System.Text.Json;
using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments.Tests.Mollie;

public class MollieClientPaymentTests
{
    [Fact]
    public async Task Create_payment_sends_Mollies_wire_format_and_maps_the_answer()
    {
        await using var harness = await MollieHarness.StartAsync();
        var sent = MollieHarness.NewPayment();

        var payment = await harness.Client.CreatePaymentAsync(harness.Credentials, sent, CancellationToken.None);

        Assert.StartsWith("tr_", payment.Id, StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Open, payment.Status);
        Assert.Equal(MollieHarness.Money("EUR", "24.95"), payment.Amount);
        Assert.Equal("Order 1234", payment.Description);
        Assert.EndsWith("/checkout/" + payment.Id, payment.CheckoutUrl, StringComparison.Ordinal);
        Assert.Null(payment.AmountRefunded);
        Assert.Null(payment.AmountRemaining);
        Assert.Null(payment.PaidAt);
        Assert.Equal(sent.ExpiresAt, payment.ExpiresAt);
        Assert.True(DateTimeOffset.UtcNow - payment.CreatedAt < TimeSpan.FromMinutes(1));
        Assert.Equal(sent.Metadata, payment.Metadata);

        var request = Assert.Single(harness.Fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v2/payments", request.Path);
        Assert.Equal("Bearer " + MollieHarness.ApiKey, request.Authorization);
        Assert.Equal(sent.IdempotencyKey, request.IdempotencyKey);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("application/hal+json", request.Accept, StringComparison.Ordinal);

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("amount").GetProperty("value").ValueKind);
        Assert.Equal("24.95", root.GetProperty("amount").GetProperty("value").GetString());
        Assert.Equal("EUR", root.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Equal("https://gw.example/thanks", root.GetProperty("redirectUrl").GetString());
        Assert.Equal("https://gw.example/wh/mollie?ref=c_77", root.GetProperty("webhookUrl").GetString());
        Assert.Equal("2026-12-24T11:00:00+00:00", root.GetProperty("expiresAt").GetString());
        Assert.Equal("c_77", root.GetProperty("metadata").GetProperty("conversation").GetString());
        Assert.Single(harness.Fake.Payments);
    }

    [Fact]
    public async Task A_long_description_is_cut_to_255_characters_and_absent_options_are_not_sent()
    {
        await using var harness = await MollieHarness.StartAsync();
        var sent = MollieHarness.NewPayment() with { Description = new string('d', 300), WebhookUrl = null, ExpiresAt = null };

        var payment = await harness.Client.CreatePaymentAsync(harness.Credentials, sent, CancellationToken.None);

        Assert.Equal(new string('d', 255), payment.Description);
        using var body = JsonDocument.Parse(Assert.Single(harness.Fake.Requests).Body);
        Assert.False(body.RootElement.TryGetProperty("webhookUrl", out _));
        Assert.False(body.RootElement.TryGetProperty("expiresAt", out _));
    }

    [Fact]
    public async Task Get_payment_reports_what_Mollie_has_now()
    {
        await using var harness = await MollieHarness.StartAsync();
        var created = await harness.CreatePaidPaymentAsync("24.95");

        var payment = await harness.Client.GetPaymentAsync(harness.Credentials, created.Id, CancellationToken.None);

        Assert.NotNull(payment);
        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.NotNull(payment.PaidAt);
        Assert.Null(payment.CheckoutUrl);
        Assert.Equal(MollieHarness.Money("EUR", "0.00"), payment.AmountRefunded);
        Assert.Equal(MollieHarness.Money("EUR", "24.95"), payment.AmountRemaining);
        Assert.Equal("c_77", payment.Metadata["conversation"]);
        Assert.Equal("/v2/payments/" + created.Id, harness.Fake.Requests[^1].Path);
    }

    [Fact]
    public async Task An_unknown_payment_is_null()
    {
        await using var harness = await MollieHarness.StartAsync();

        Assert.Null(await harness.Client.GetPaymentAsync(harness.Credentials, "tr_doesNotExist", CancellationToken.None));
        Assert.Equal(404, harness.Fake.Requests[^1].StatusCode);
    }

    [Fact]
    public async Task Another_tenants_payment_is_unknown()
    {
        await using var harness = await MollieHarness.StartAsync();
        var created = await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment(), CancellationToken.None);

        var seenByOther = await harness.Client.GetPaymentAsync(new ProviderCredentials(MollieHarness.OtherApiKey), created.Id, CancellationToken.None);

        Assert.Null(seenByOther);
        Assert.Equal("Bearer " + MollieHarness.OtherApiKey, harness.Fake.Requests[^1].Authorization);
    }

    [Fact]
    public async Task Non_string_metadata_values_are_ignored()
    {
        await using var harness = await MollieHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = harness.Fake.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "payments")
        {
            Content = new StringContent(
                """{"amount":{"currency":"EUR","value":"5.00"},"description":"x","redirectUrl":"https://gw.example/","metadata":{"a":"1","b":2,"c":{"d":"e"}}}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new("Bearer", MollieHarness.ApiKey);
        using var response = await http.SendAsync(request);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var payment = await harness.Client.GetPaymentAsync(harness.Credentials, created.RootElement.GetProperty("id").GetString()!, CancellationToken.None);

        Assert.NotNull(payment);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, payment.Metadata);
    }

    [Fact]
    public async Task The_same_key_and_body_replay_the_first_payment()
    {
        await using var harness = await MollieHarness.StartAsync();
        var sent = MollieHarness.NewPayment();

        var first = await harness.Client.CreatePaymentAsync(harness.Credentials, sent, CancellationToken.None);
        var second = await harness.Client.CreatePaymentAsync(harness.Credentials, sent, CancellationToken.None);

        Assert.Equal(first, second with { Metadata = first.Metadata });
        Assert.Single(harness.Fake.Payments);
        Assert.Equal([false, true], harness.Fake.Requests.Select(r => r.Replayed));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused()
    {
        await using var harness = await MollieHarness.StartAsync();
        await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment("24.95", "key-1"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment("30.00", "key-1"), CancellationToken.None));

        Assert.Equal(400, e.Status);
        Assert.False(e.IsTransient);
        Assert.Single(harness.Fake.Payments);
    }
}
