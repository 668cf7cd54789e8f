using System.Net;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Channels.Cm.Tests;

/// <summary>The fake's status reports and MOs, received by a tiny endpoint that verifies and parses with <see cref="CmWebhook"/>.</summary>
public sealed class FakeCmWebhookTests : IAsyncLifetime
{
    private readonly ChannelAccount _account = CmSmsConnectorTests.Account("t1", "cm-1", "MyShop", "pt");
    private readonly List<ProviderEvent> _received = [];
    private FakeCm _fake = null!;
    private WebApplication _app = null!;
    private Uri _base = null!;

    private Uri Url => new(_base, "/webhooks/sms/cm-1?token=" + _account.Setting("webhookToken"));

    public async Task InitializeAsync()
    {
        _fake = await FakeCm.StartAsync();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        _app = builder.Build();
        _app.Run(ReceiveAsync);
        await _app.StartAsync();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var webhook = new CmWebhook();
        var query = context.Request.Query;
        if (!webhook.Verify(_account, _ => null, name => query.TryGetValue(name, out var value) ? value.ToString() : null, buffer.ToArray()))
        {
            context.Response.StatusCode = 401;
            return;
        }

        lock (_received)
        {
            _received.AddRange(webhook.Parse(_account, buffer.ToArray()));
        }
    }

    [Fact]
    public async Task Status_and_inbound_hooks_post_what_the_webhook_verifies_and_reads()
    {
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        Assert.Equal(HttpStatusCode.OK, await _fake.PostStatusAsync(Url, "ref1", 2, received: at));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostStatusAsync(Url, "ref2", 3, received: at, errorCode: "16", errorDescription: "Unknown subscriber"));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostInboundAsync(Url, "+31612345678", "STOP"));
        Assert.Equal(HttpStatusCode.Unauthorized, await _fake.PostInboundAsync(new Uri(_base, "/webhooks/sms/cm-1?token=guess"), "+31612345678", "forged"));
        Assert.Equal(HttpStatusCode.Unauthorized, await _fake.PostRawAsync(new Uri(_base, "/webhooks/sms/cm-1"), "{}"));

        Assert.Collection(
            _received,
            e => Assert.Equal(new ProviderStatus("ref1", MessageStatus.Delivered, at), e),
            e => Assert.Equal(new ProviderStatus("ref2", MessageStatus.Failed, at, "16"), e),
            e => Assert.Equal(("+31612345678", "STOP"), (((ProviderInboundMessage)e).CustomerAddress, ((ProviderInboundMessage)e).Content.Text)));
    }
}
