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

namespace MessagingGateway.Channels.Meta.Tests;

/// <summary>The fake's signed webhooks, received by a tiny endpoint that verifies and parses with <see cref="MessengerWebhook"/>.</summary>
public sealed class FakeMessengerWebhookTests : IAsyncLifetime
{
    private const string PageId = "104955582273";
    private const string Psid = "6543210987654321";

    private readonly ChannelAccount _account = MessengerConnectorTests.Account(Channel.Messenger, "fb-1", PageId, "token");
    private readonly List<ProviderEvent> _received = [];
    private FakeMessenger _fake = null!;
    private WebApplication _app = null!;
    private Uri _url = null!;

    private string Secret => _account.Setting("appSecret")!;

    public async Task InitializeAsync()
    {
        _fake = await FakeMessenger.StartAsync();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        _app = builder.Build();
        _app.Run(ReceiveAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _url = new Uri(new Uri(address), "/webhooks/messenger/fb-1");
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
        var webhook = new MessengerWebhook(Channel.Messenger);
        var headers = context.Request.Headers;
        if (!webhook.Verify(_account, name => headers.TryGetValue(name, out var value) ? value.ToString() : null, _ => null, buffer.ToArray()))
        {
            context.Response.StatusCode = 401;
            return;
        }

        lock (_received)
        {
            _received.AddRange(webhook.Parse(_account, buffer.ToArray()));
        }

        context.Response.StatusCode = 200;
    }

    [Fact]
    public async Task A_signed_text_and_delivery_arrive_verified_and_parsed()
    {
        Assert.Equal(HttpStatusCode.OK, await _fake.PostTextAsync(_url, Secret, PageId, Psid, "Café 😀", "m_in_1"));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostDeliveryAsync(_url, Secret, PageId, Psid, ["m_out_1", "m_out_2"], DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)));

        Assert.Collection(
            _received,
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal("m_in_1", m.ProviderMessageId);
                Assert.Equal(Psid, m.CustomerAddress);
                Assert.Equal("Café 😀", m.Content.Text);
            },
            e => Assert.Equal(new ProviderStatus("m_out_1", MessageStatus.Delivered, DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)), e),
            e => Assert.Equal(new ProviderStatus("m_out_2", MessageStatus.Delivered, DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)), e));
    }

    [Fact]
    public async Task Quick_replies_postbacks_reads_and_seen_arrive_in_metas_shapes()
    {
        var watermark = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123);
        var readAt = DateTimeOffset.FromUnixTimeMilliseconds(1700000000456);
        Assert.Equal(HttpStatusCode.OK, await _fake.PostQuickReplyAsync(_url, Secret, PageId, Psid, "Ja", "YES", "m_in_qr"));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostPostbackAsync(_url, Secret, PageId, Psid, "Bestelling volgen", "TRACK", "m_in_pb"));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostReadAsync(_url, Secret, PageId, Psid, watermark, readAt));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostSeenAsync(_url, Secret, PageId, Psid, "m_out_1", readAt));

        Assert.Collection(
            _received,
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal(("m_in_qr", "Ja", "YES"), (m.ProviderMessageId, m.Content.Text, Assert.Single(m.Content.Parameters!)));
            },
            e =>
            {
                var m = Assert.IsType<ProviderInboundMessage>(e);
                Assert.Equal(("m_in_pb", "Bestelling volgen", "TRACK"), (m.ProviderMessageId, m.Content.Text, Assert.Single(m.Content.Parameters!)));
            },
            e => Assert.Equal(new ProviderReadWatermark(Psid, watermark, readAt), e),
            e => Assert.Equal(new ProviderStatus("m_out_1", MessageStatus.Read, readAt), e));
    }

    [Fact]
    public async Task The_wrong_secret_is_refused_and_an_instagram_post_is_not_read_as_messenger()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await _fake.PostTextAsync(_url, "wrong", PageId, Psid, "hi"));

        _fake.WebhookObject = "instagram";
        Assert.Equal(HttpStatusCode.OK, await _fake.PostRawAsync(_url, Secret, _fake.Envelope(PageId, FakeMessenger.TextEvent(PageId, Psid, "hi", null, DateTimeOffset.UnixEpoch)).ToJsonString()));

        Assert.Empty(_received);
        Assert.Contains("\"object\":\"instagram\"", _fake.Envelope(PageId).ToJsonString(), StringComparison.Ordinal);
    }
}
