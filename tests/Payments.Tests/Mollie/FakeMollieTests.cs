using System.Net;
using System.Text;
using System.Text.Json;
using MessagingGateway.Payments.Mollie;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Payments.Tests.Mollie;

/// <summary>The fake's own rules that the client never breaks, checked on the raw wire, and its webhook hook end to end.</summary>
public class FakeMollieTests
{
    [Theory]
    [InlineData("""{}""", "amount")]
    [InlineData("""{"amount":{"currency":"EUR","value":5.00}}""", "amount")]
    [InlineData("""{"amount":{"currency":"EUR","value":"5"}}""", "amount")]
    public async Task A_refund_without_a_string_amount_is_422_on_the_amount_field(string body, string field)
    {
        await using var harness = await MollieHarness.StartAsync();
        var payment = await harness.CreatePaidPaymentAsync();
        using var http = new HttpClient { BaseAddress = harness.Fake.BaseAddress };

        using var response = await PostAsync(http, $"payments/{payment.Id}/refunds", body, MollieHarness.ApiKey);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/hal+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(422, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ")]
    [InlineData("Bearer test_unknown")]
    [InlineData("Basic dGVzdF8=")]
    public async Task Without_a_known_key_every_request_is_401(string? authorization)
    {
        await using var fake = await FakeMollie.StartAsync(MollieHarness.ApiKey);
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "payments/tr_x");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unauthorized Request", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unknown_payment_is_404_with_Mollies_wording()
    {
        await using var fake = await FakeMollie.StartAsync(MollieHarness.ApiKey);
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "payments/tr_x");
        request.Headers.Authorization = new("Bearer", MollieHarness.ApiKey);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("No payment exists with token tr_x.", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_replay_carries_Idempotent_Replayed()
    {
        await using var fake = await FakeMollie.StartAsync(MollieHarness.ApiKey);
        using var http = new HttpClient { BaseAddress = fake.BaseAddress };
        const string Body = """{"amount":{"currency":"EUR","value":"10.00"},"description":"x","redirectUrl":"https://gw.example/"}""";

        using var first = await PostAsync(http, "payments", Body, MollieHarness.ApiKey, "key-1");
        using var second = await PostAsync(http, "payments", Body, MollieHarness.ApiKey, "key-1");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Single(fake.Payments);
    }

    [Fact]
    public async Task The_webhook_is_posted_until_it_is_answered_200_and_leads_to_the_new_status()
    {
        await using var harness = await MollieHarness.StartAsync();
        await using var endpoint = await WebhookEndpoint.StartAsync(failFirst: 2);
        var sent = MollieHarness.NewPayment() with { WebhookUrl = endpoint.Url.AbsoluteUri };
        var payment = await harness.Client.CreatePaymentAsync(harness.Credentials, sent, CancellationToken.None);
        harness.Fake.SetPaymentStatus(payment.Id, "paid");

        var attempts = await harness.Fake.NotifyAsync(payment.Id);

        Assert.Equal([503, 503, 200], attempts.Select(a => a.StatusCode));
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Equal(attempts, harness.Fake.WebhookAttempts);
        Assert.Equal([payment.Id, payment.Id, payment.Id], endpoint.PaymentIds);
        Assert.All(endpoint.ContentTypes, c => Assert.StartsWith("application/x-www-form-urlencoded", c, StringComparison.Ordinal));
        var fetched = await harness.Client.GetPaymentAsync(harness.Credentials, endpoint.PaymentIds[^1], CancellationToken.None);
        Assert.Equal(PaymentStatus.Paid, fetched?.Status);
    }

    [Fact]
    public async Task The_webhook_gives_up_after_the_set_number_of_attempts()
    {
        await using var harness = await MollieHarness.StartAsync();
        await using var endpoint = await WebhookEndpoint.StartAsync(failFirst: int.MaxValue);
        var payment = await harness.Client.CreatePaymentAsync(
            harness.Credentials, MollieHarness.NewPayment() with { WebhookUrl = endpoint.Url.AbsoluteUri }, CancellationToken.None);
        harness.Fake.WebhookMaxAttempts = 3;

        var attempts = await harness.Fake.NotifyAsync(payment.Id);

        Assert.Equal(3, attempts.Count);
        Assert.DoesNotContain(attempts, a => a.Delivered);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string body, string apiKey, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", apiKey);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request);
    }

    /// <summary>The gateway's side of a classic webhook: 503 for the first few, then it reads the id and answers 200.</summary>
    private sealed class WebhookEndpoint : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<string> _paymentIds = [];
        private readonly List<string> _contentTypes = [];
        private WebApplication _app = null!;
        private int _failuresLeft;

        public Uri Url { get; private set; } = null!;

        public IReadOnlyList<string> PaymentIds
        {
            get
            {
                lock (_gate)
                {
                    return [.. _paymentIds];
                }
            }
        }

        public IReadOnlyList<string> ContentTypes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _contentTypes];
                }
            }
        }

        public static async Task<WebhookEndpoint> StartAsync(int failFirst)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var endpoint = new WebhookEndpoint { _failuresLeft = failFirst };
            var app = builder.Build();
            app.Run(endpoint.HandleAsync);
            await app.StartAsync();
            endpoint._app = app;
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            endpoint.Url = new Uri(new Uri(address), "/wh/mollie?ref=c_77");
            return endpoint;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            bool fail;
            lock (_gate)
            {
                _contentTypes.Add(context.Request.ContentType ?? string.Empty);
                if (MollieWebhook.TryReadPaymentId(body, out var id))
                {
                    _paymentIds.Add(id);
                }

                fail = _failuresLeft > 0;
                if (fail)
                {
                    _failuresLeft--;
                }
            }

            context.Response.StatusCode = fail ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        }
    }
}
