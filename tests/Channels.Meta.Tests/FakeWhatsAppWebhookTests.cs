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
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingGateway.Channels.Meta.Tests;

/// <summary>The fake's signed webhooks, received by a tiny endpoint that verifies and parses with <see cref="WhatsAppWebhook"/>.</summary>
public sealed class FakeWhatsAppWebhookTests : IAsyncLifetime
{
    private const string PhoneNumberId = "1122334455667";
    private const string Token = "EAAG-token-1";

    private readonly ChannelAccount _account = WhatsAppConnectorTests.Account("t1", "wa-1", "+31850000000", PhoneNumberId, Token);
    private readonly List<ProviderEvent> _received = [];
    private FakeWhatsApp _fake = null!;
    private WebApplication _app = null!;
    private Uri _url = null!;

    private string Secret => _account.Setting("appSecret")!;

    public async Task InitializeAsync()
    {
        _fake = await FakeWhatsApp.StartAsync();
        _fake.AddPhoneNumber(PhoneNumberId, Token);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        _app = builder.Build();
        _app.Run(ReceiveAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _url = new Uri(new Uri(address), "/webhooks/whatsapp/wa-1");
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
        var webhook = new WhatsAppWebhook();
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
    }

    [Fact]
    public async Task A_sent_message_s_statuses_come_back_signed_and_parse_to_its_wamid()
    {
        using var http = new HttpClient { BaseAddress = _fake.BaseAddress };
        var accounts = new InMemoryChannelAccounts();
        await accounts.PutAsync(_account);
        var connector = new WhatsAppConnector(http, accounts, NullLogger<WhatsAppConnector>.Instance);
        var message = new Message
        {
            Id = Guid.NewGuid(),
            TenantId = "t1",
            ConversationId = "c1",
            Channel = Channel.WhatsApp,
            Direction = MessageDirection.Outbound,
            From = "+31850000000",
            To = "+31612345678",
            Content = new MessageContent { Type = "text", Text = "Hi" },
            AcceptedAt = DateTimeOffset.UnixEpoch,
        };
        var wamid = (await connector.SendAsync(message, CancellationToken.None)).ProviderMessageId!;
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        Assert.Equal(HttpStatusCode.OK, await _fake.PostStatusAsync(_url, Secret, wamid, "read", at));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostStatusAsync(_url, Secret, wamid, "failed", at, 131047));

        Assert.Equal(
            [new ProviderStatus(wamid, MessageStatus.Read, at), new ProviderStatus(wamid, MessageStatus.Failed, at, "131047")],
            _received);
    }

    [Fact]
    public async Task Inbound_text_batches_and_duplicates_arrive_as_posted()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var batch = FakeWhatsApp.Envelope(
            FakeWhatsApp.InboundTextValue(PhoneNumberId, "31611111111", "één", "wamid.1", at),
            FakeWhatsApp.InboundTextValue(PhoneNumberId, "31622222222", "two", "wamid.2", at)).ToJsonString();

        Assert.Equal(HttpStatusCode.OK, await _fake.PostInboundTextAsync(_url, Secret, PhoneNumberId, "31611111111", "Hello", "wamid.0"));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostRawAsync(_url, Secret, batch));
        Assert.Equal(HttpStatusCode.OK, await _fake.PostRawAsync(_url, Secret, batch));

        var messages = _received.Cast<ProviderInboundMessage>().ToList();
        Assert.Equal(["wamid.0", "wamid.1", "wamid.2", "wamid.1", "wamid.2"], messages.Select(m => m.ProviderMessageId));
        Assert.Equal("+31611111111", messages[0].CustomerAddress);
        Assert.Equal("één", messages[1].Content.Text);
    }

    [Fact]
    public async Task A_post_signed_with_another_secret_is_refused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await _fake.PostInboundTextAsync(_url, "not-the-secret", PhoneNumberId, "31611111111", "Hello"));
        Assert.Empty(_received);
    }
}
