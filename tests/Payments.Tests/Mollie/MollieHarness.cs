using MessagingGateway.Payments.Mollie;
using MessagingGateway.Payments.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace MessagingGateway.Payments.Tests.Mollie;

/// <summary>A <see cref="FakeMollie"/> and a <see cref="MollieClient"/> wired to it as a host would (AddMollieClient), with short retry delays.</summary>
internal sealed class MollieHarness : IAsyncDisposable
{
    public const string ApiKey = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";
    public const string OtherApiKey = "test_OtherTenantKey0123456789abcdef";

    private readonly ServiceProvider _services;

    private MollieHarness(FakeMollie fake, ServiceProvider services)
    {
        Fake = fake;
        _services = services;
        Client = services.GetRequiredService<MollieClient>();
    }

    public FakeMollie Fake { get; }

    public MollieClient Client { get; }

    public ProviderCredentials Credentials { get; } = new(ApiKey);

    public static async Task<MollieHarness> StartAsync()
    {
        var fake = await FakeMollie.StartAsync(ApiKey, OtherApiKey);
        return new MollieHarness(fake, BuildServices(fake.BaseAddress));
    }

    /// <summary>The client as <see cref="MollieServiceCollectionExtensions.AddMollieClient"/> registers it, retrying after 10 ms instead of 1 s.</summary>
    public static ServiceProvider BuildServices(Uri baseAddress)
    {
        var services = new ServiceCollection();
        services.AddMollieClient(baseAddress);
        services.Configure<HttpRetryStrategyOptions>(MollieServiceCollectionExtensions.RetryOptionsName, options => options.Delay = TimeSpan.FromMilliseconds(10));
        return services.BuildServiceProvider();
    }

    public static NewProviderPayment NewPayment(string value = "24.95", string? idempotencyKey = null) => new(
        idempotencyKey ?? Guid.NewGuid().ToString(),
        Money("EUR", value),
        "Order 1234",
        "https://gw.example/thanks",
        "https://gw.example/wh/mollie?ref=c_77",
        new DateTimeOffset(2026, 12, 24, 11, 0, 0, TimeSpan.Zero),
        new Dictionary<string, string> { ["payment"] = "pay_1", ["conversation"] = "c_77" });

    public static NewProviderRefund NewRefund(string value, string currency = "EUR", string? idempotencyKey = null) => new(
        idempotencyKey ?? Guid.NewGuid().ToString(),
        Money(currency, value),
        "Partial refund",
        new Dictionary<string, string> { ["conv"] = "c_77" });

    public static Amount Money(string currency, string value) =>
        Amount.TryParse(currency, value, out var amount, out var error) ? amount : throw new ArgumentException(error);

    /// <summary>A payment Mollie reports as paid.</summary>
    public async Task<ProviderPayment> CreatePaidPaymentAsync(string value = "24.95")
    {
        var payment = await Client.CreatePaymentAsync(Credentials, NewPayment(value), CancellationToken.None);
        Fake.SetPaymentStatus(payment.Id, "paid");
        return payment;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
