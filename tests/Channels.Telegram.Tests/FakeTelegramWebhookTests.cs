using System.Net;
using MessagingGateway.Core.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingGateway.Channels.Telegram.Tests;

/// <summary>The fake's Updates, received by a tiny endpoint that verifies and parses with <see cref="TelegramWebhook"/>.</summary>
public sealed class FakeTelegramWebhookTests : IAsyncLifetime
{
    private readonly ChannelAccount _account = TelegramConnectorTests.Account("t1", "tg-1", "shop_bot", "123:abc");
    private readonly List<ProviderEvent> _received = [];
    private FakeTelegram _fake = null!;
    private WebApplication _app = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeTelegram.StartAsync();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        _app = builder.Build();
        _app.Run(ReceiveAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _url = new Uri(new Uri(address), "/webhooks/telegram/tg-1");
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
        var webhook = new TelegramWebhook();
        var headers = context.Request.Headers;
        if (!webhook.Verify(_account, name => headers.TryGetValue(name, out var value) ? value.ToString() : null, _ => null, buffer.ToArray()))
        {
            context.Response.StatusCode = 401;
            return;
        }

        var events = webhook.Parse(_account, buffer.ToArray());
        lock (_received)
        {
            _received.AddRange(events.OfType<ProviderInboundMessage>());
        }

        if (events.OfType<ProviderWebhookReply>().SingleOrDefault() is { } reply)
        {
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body);
        }
    }

    [Fact]
    public async Task Text_and_callback_hooks_post_updates_the_webhook_verifies_and_reads()
    {
        Assert.Equal(HttpStatusCode.OK, await _fake.PostTextUpdateAsync(_url, "secret_tg-1", 42, "hello"));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostCallbackAsync(_url, "secret_tg-1", 42, "yes", "Yes"));
        Assert.Equal(HttpStatusCode.Unauthorized, await _fake.PostTextUpdateAsync(_url, "wrong", 42, "forged"));
        Assert.Equal(HttpStatusCode.Unauthorized, await _fake.PostRawAsync(_url, null, "{}"));

        Assert.Collection(
            _received.OfType<ProviderInboundMessage>(),
            text => Assert.Equal(("42", "hello"), (text.CustomerAddress, text.Content.Text)),
            press => Assert.Equal(("42", "Yes", "yes"), (press.CustomerAddress, press.Content.Text, press.Content.Parameters![0])));

        // The press is answered in the post's answer, which the fake runs like Telegram.
        var answer = Assert.Single(_fake.WebhookAnswers);
        Assert.Equal("answerCallbackQuery", (string?)answer["method"]);
        Assert.Equal(((ProviderInboundMessage)_received[1]).ProviderMessageId, (string?)answer["callback_query_id"]);
    }

    [Fact]
    public async Task The_same_update_posted_twice_gives_the_same_provider_id()
    {
        var json = FakeTelegram.TextUpdatePayload(500, 42, 7, "dup", DateTimeOffset.UnixEpoch);

        await _fake.PostRawAsync(_url, "secret_tg-1", json);
        await _fake.PostRawAsync(_url, "secret_tg-1", json);

        Assert.Equal(["42:7", "42:7"], _received.Cast<ProviderInboundMessage>().Select(m => m.ProviderMessageId));
    }
}
