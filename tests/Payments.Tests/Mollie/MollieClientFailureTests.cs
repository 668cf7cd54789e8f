using System.Net;
using System.Net.Sockets;
using System.Text;
using MessagingGateway.Payments.Mollie;
using MessagingGateway.Payments.Providers;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Payments.Tests.Mollie;

public class MollieClientFailureTests
{
    [Fact]
    public async Task A_wrong_key_is_401_and_the_key_is_in_no_message()
    {
        await using var harness = await MollieHarness.StartAsync();
        const string WrongKey = "test_WrongKeyWrongKeyWrongKey12345";

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreatePaymentAsync(new ProviderCredentials(WrongKey), MollieHarness.NewPayment(), CancellationToken.None));

        Assert.Equal(401, e.Status);
        Assert.Equal("Unauthorized Request", e.Title);
        Assert.False(e.IsTransient);
        Assert.DoesNotContain(WrongKey, e.ToString(), StringComparison.Ordinal);
        Assert.Empty(harness.Fake.Payments);
    }

    [Fact]
    public async Task A_429_is_retried_after_Retry_After_with_the_same_idempotency_key()
    {
        await using var harness = await MollieHarness.StartAsync();
        harness.Fake.FailNext(1, 429, retryAfterSeconds: 1);
        var sent = MollieHarness.NewPayment();

        var payment = await harness.Client.CreatePaymentAsync(harness.Credentials, sent, CancellationToken.None);

        var attempts = harness.Fake.Requests;
        Assert.Equal([429, 201], attempts.Select(r => r.StatusCode));
        Assert.All(attempts, r => Assert.Equal(sent.IdempotencyKey, r.IdempotencyKey));
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromMilliseconds(900), "Retry-After: 1 was not honoured");
        Assert.Equal(payment.Id, Assert.Single(harness.Fake.Payments).Id);
    }

    [Fact]
    public async Task A_429_asking_for_a_long_wait_goes_to_the_caller_as_transient()
    {
        await using var harness = await MollieHarness.StartAsync();
        harness.Fake.FailNext(1, 429, retryAfterSeconds: 60);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment(), CancellationToken.None));

        Assert.Equal(429, e.Status);
        Assert.True(e.IsTransient);
        Assert.Single(harness.Fake.Requests);
    }

    [Fact]
    public async Task A_503_on_a_refund_is_retried_and_creates_one_refund()
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync("24.95");
        harness.Fake.FailNext(2, 503);
        var sent = MollieHarness.NewRefund("5.95");

        var refund = await harness.Client.CreateRefundAsync(harness.Credentials, payment.Id, sent, CancellationToken.None);

        var path = $"/v2/payments/{payment.Id}/refunds";
        Assert.Equal(3, harness.Fake.RequestCount(path, "POST"));
        Assert.Equal([503, 503, 201], harness.Fake.Requests.Where(r => r.Path == path).Select(r => r.StatusCode));
        Assert.All(harness.Fake.Requests.Where(r => r.Path == path), r => Assert.Equal(sent.IdempotencyKey, r.IdempotencyKey));
        Assert.Equal(refund.Id, Assert.Single(harness.Fake.GetPayment(payment.Id)!.Refunds).Id);
    }

    [Fact]
    public async Task A_500_on_a_read_is_retried()
    {
        await using var harness = await MollieHarness.StartAsync();
        var created = await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment(), CancellationToken.None);
        harness.Fake.FailNext(1, 500);

        var payment = await harness.Client.GetPaymentAsync(harness.Credentials, created.Id, CancellationToken.None);

        Assert.Equal(created.Id, payment?.Id);
        Assert.Equal(2, harness.Fake.RequestCount("/v2/payments/" + created.Id));
    }

    [Fact]
    public async Task Failures_beyond_the_retries_are_transient_provider_errors()
    {
        await using var harness = await MollieHarness.StartAsync();
        harness.Fake.FailNext(10, 503);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment(), CancellationToken.None));

        Assert.Equal(503, e.Status);
        Assert.True(e.IsTransient);
        Assert.Equal(5, harness.Fake.Requests.Count); // the first try and 4 retries
        Assert.Empty(harness.Fake.Payments);
    }

    [Fact]
    public async Task An_unreachable_Mollie_is_status_0_and_the_key_is_in_no_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: connections are refused
        await using var services = MollieHarness.BuildServices(new Uri($"http://127.0.0.1:{port}/v2"));
        var client = services.GetRequiredService<MollieClient>();

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await client.CreatePaymentAsync(new ProviderCredentials(MollieHarness.ApiKey), MollieHarness.NewPayment(), CancellationToken.None));

        Assert.Equal(0, e.Status);
        Assert.Equal("Mollie could not be reached", e.Title);
        Assert.True(e.IsTransient);
        Assert.NotNull(e.InnerException);
        Assert.DoesNotContain(MollieHarness.ApiKey, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_provider_error()
    {
        await using var harness = await MollieHarness.StartAsync();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await harness.Client.CreatePaymentAsync(harness.Credentials, MollieHarness.NewPayment(), canceled.Token));
    }

    [Fact]
    public async Task A_problem_echoing_the_key_is_masked()
    {
        const string Key = "test_EchoedKeyEchoedKeyEchoedKey1234";
        using var http = Stub(HttpStatusCode.BadRequest, $$"""{"status":400,"title":"Bad Request","detail":"Key {{Key}} is odd","field":"{{Key}}"}""");
        var client = new MollieClient(http);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await client.GetPaymentAsync(new ProviderCredentials(Key), "tr_abc", CancellationToken.None));

        Assert.Equal(400, e.Status);
        Assert.Equal("Key …1234 is odd", e.Detail);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_Mollies_JSON_is_a_502()
    {
        using var http = Stub(HttpStatusCode.OK, "<html>maintenance</html>");
        var client = new MollieClient(http);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await client.GetPaymentAsync(new ProviderCredentials(MollieHarness.ApiKey), "tr_abc", CancellationToken.None));

        Assert.Equal(502, e.Status);
        Assert.Equal("Mollie's response could not be read", e.Title);
    }

    [Fact]
    public async Task A_next_link_outside_the_API_is_not_followed()
    {
        using var handler = new StubHandler(HttpStatusCode.OK, """{"count":0,"_embedded":{"refunds":[]},"_links":{"next":{"href":"https://evil.example/v2/payments/tr_abc/refunds?from=re_x","type":"application/hal+json"}}}""");
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri("https://api.mollie.test/v2/") };
        var client = new MollieClient(http);

        var e = await Assert.ThrowsAsync<PaymentProviderException>(
            async () => await client.ListRefundsAsync(new ProviderCredentials(MollieHarness.ApiKey), "tr_abc", CancellationToken.None));

        Assert.Equal(502, e.Status);
        Assert.Equal(new Uri("https://api.mollie.test/v2/payments/tr_abc/refunds?limit=250"), Assert.Single(handler.Requests));
    }

    private static HttpClient Stub(HttpStatusCode status, string body) =>
        new(new StubHandler(status, body)) { BaseAddress = new Uri("https://api.mollie.test/v2/") };

    private sealed class StubHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/hal+json") });
        }
    }
}
