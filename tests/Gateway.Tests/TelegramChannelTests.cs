using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static MessagingGateway.Gateway.Tests.ProviderChannelKit;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// Telegram end to end against a fake Bot API through the public API (channels.md section 3): the
/// account registers its webhook with the secret token, a send is the Bot API's JSON under the bot's
/// token and is <c>sent</c> at Telegram's date, which is its last status (bots get no receipts),
/// refusals and rate limits, customers' messages and button presses (posted twice, as Telegram
/// retries) in the conversation the outbound opened, a press answered with answerCallbackQuery,
/// only posts with the secret token counting, and the bot token kept out of the logs.
/// </summary>
public sealed class TelegramChannelTests
{
    private const string BotToken = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    private const string SecretToken = "tg-secret_1";
    private const long ChatId = 987654321;

    [Fact]
    public async Task A_message_goes_to_the_bot_api_and_is_sent_at_telegrams_date_and_nothing_follows()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot(BotToken);
        var date = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
        telegram.Time = new FixedClock(date.AddMilliseconds(700)); // Telegram's dates are whole seconds
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(telegram);
        using var client = gateway.Client(TestTenants.InitechKey); // no sandbox: only the account can carry it
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var account = await PutAccountAsync(client, "telegram", "shop-bot", Account(SecretToken));
        var webhook = new Uri(account["webhookUrl"]!.GetValue<string>());

        // Saving the account told Telegram where to post, with the secret token and the updates we read.
        Assert.Equal("registered", account["webhookRegistration"]!.GetValue<string>());
        var registered = telegram.WebhookOf(BotToken)!;
        Assert.Equal(webhook.ToString(), registered.Url);
        Assert.Equal(SecretToken, registered.SecretToken);
        Assert.Contains("message", registered.AllowedUpdates!);
        Assert.Contains("callback_query", registered.AllowedUpdates!);

        var sent = await client.SendAsync(Text("telegram", "shop_bot", ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Je pakket is onderweg"));
        var id = sent["id"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => telegram.Sends.Count == 1, Patience, "one send at the Bot API");
        var send = Assert.Single(telegram.Sends);
        Assert.Equal(BotToken, send.BotToken); // the token is the path: POST /bot{token}/sendMessage
        Assert.Equal("sendMessage", send.Method);
        Assert.Equal(JsonValueKind.Number, send.Json!["chat_id"]!.GetValueKind());
        Assert.Equal(ChatId, send.Json["chat_id"]!.GetValue<long>());
        Assert.Equal("Je pakket is onderweg", send.Json["text"]!.GetValue<string>());

        var message = await client.WaitForStatusAsync(id, "sent");
        Assert.Equal(date, At(Assert.Single(Entries(message, "sent"))));

        // The customer answers: its event comes after every status of the message, in conversation order.
        Assert.Equal(HttpStatusCode.OK, await telegram.PostTextUpdateAsync(webhook, SecretToken, ChatId, "Dank je!"));
        await Eventually.HoldsAsync(() => Events(receiver, "message.inbound").Count == 1, Patience, "the reply's event");
        Assert.Equal(["queued", "sent"], StatusEvents(receiver, id));
        Assert.Equal("sent", (await GetMessageAsync(client, id))["status"]!.GetValue<string>());
        Assert.Equal(sent["conversationId"]!.GetValue<string>(), Events(receiver, "message.inbound")[0]["conversationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_blocked_bot_and_an_unknown_chat_fail_with_their_reason_and_retry_after_is_honoured()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot(BotToken);
        await using var gateway = await StartAsync(telegram);
        using var client = gateway.Client(TestTenants.InitechKey);
        await PutAccountAsync(client, "telegram", "shop-bot", Account(SecretToken));

        telegram.BlockChat("111111111"); // 403 "Forbidden: bot was blocked by the user"
        var blocked = (await client.SendAsync(Text("telegram", "shop_bot", "111111111", "Hallo?")))["id"]!.GetValue<string>();
        var failed = await client.WaitForStatusAsync(blocked, "failed");
        Assert.Equal("blocked", failed["statusHistory"]!.AsArray().Last()!["code"]!.GetValue<string>());

        telegram.FailNext(1, 400, "Bad Request: chat not found");
        var unknown = (await client.SendAsync(Text("telegram", "shop_bot", "222222222", "Hallo?")))["id"]!.GetValue<string>();
        Assert.Equal("chat_not_found", (await client.WaitForStatusAsync(unknown, "failed"))["statusCode"]!.GetValue<string>());

        telegram.RateLimitNext(1, retryAfterSeconds: 1); // 429 "Too Many Requests: retry after 1"
        var limited = (await client.SendAsync(Text("telegram", "shop_bot", ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), "Nu wel")))["id"]!.GetValue<string>();
        await client.WaitForStatusAsync(limited, "sent");
        var attempts = telegram.Sends.Where(s => s.Json!["text"]!.GetValue<string>() == "Nu wel").ToList();
        Assert.Equal([429, 200], attempts.Select(s => s.StatusCode));
        var waited = attempts[1].ReceivedAt - attempts[0].ReceivedAt;
        Assert.True(waited >= TimeSpan.FromMilliseconds(980), $"the retry came after {waited.TotalMilliseconds} ms, not after retry_after (1 s, less timer slack)");
    }

    [Fact]
    public async Task A_customers_text_and_a_press_on_our_button_join_the_conversation_once_each_and_the_press_is_answered()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot(BotToken);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await StartAsync(telegram);
        using var client = gateway.Client(TestTenants.InitechKey);
        await client.ConfigureWebhookAsync(receiver.Url, BusinessSecret);
        var webhook = new Uri((await PutAccountAsync(client, "telegram", "shop-bot", Account(SecretToken)))["webhookUrl"]!.GetValue<string>());

        var offer = new JsonObject
        {
            ["channel"] = "telegram",
            ["from"] = "shop_bot",
            ["to"] = ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["content"] = new JsonObject
            {
                ["type"] = "interactive",
                ["body"] = "Wanneer bezorgen?",
                ["buttons"] = new JsonArray(new JsonObject { ["id"] = "slot-mon", ["title"] = "Maandag" }, new JsonObject { ["id"] = "slot-tue", ["title"] = "Dinsdag" }),
            },
        };
        var conversation = (await client.SendAsync(offer.ToJsonString()))["conversationId"]!.GetValue<string>();
        await Eventually.HoldsAsync(() => telegram.Sends.Count == 1, Patience, "one send at the Bot API");
        Assert.Equal(
            """{"inline_keyboard":[[{"text":"Maandag","callback_data":"slot-mon"}],[{"text":"Dinsdag","callback_data":"slot-tue"}]]}""", // one button a row
            telegram.Sends[0].Json!["reply_markup"]!.ToJsonString());
        var offered = telegram.Sends[0].MessageId!.Value;

        for (var i = 0; i < 2; i++)
        {
            // The same Update twice, as Telegram posts again when our answer is slow.
            Assert.Equal(HttpStatusCode.OK, await telegram.PostTextUpdateAsync(webhook, SecretToken, ChatId, "Liefst na 12 uur", updateId: 20000001, messageId: 41));
            Assert.Equal(HttpStatusCode.OK, await telegram.PostCallbackAsync(webhook, SecretToken, ChatId, "slot-tue", "Dinsdag", offered, callbackQueryId: "4382000000000000001"));
        }

        Assert.Equal(HttpStatusCode.OK, await telegram.PostTextUpdateAsync(webhook, SecretToken, ChatId, "Dank je", updateId: 20000003, messageId: 43)); // after all of them
        await client.WaitForTimelineAsync(conversation, 4);
        await Eventually.HoldsAsync(() => Events(receiver, "message.inbound").Count == 3, Patience, "three message.inbound events");

        var timeline = await client.ReadTimelineAsync(conversation);
        Assert.Equal(["outbound", "inbound", "inbound", "inbound"], timeline.Select(m => m["direction"]!.GetValue<string>()));
        Assert.All(timeline.Skip(1), m => Assert.Equal("987654321", m["from"]!.GetValue<string>()));
        Assert.Equal(["Liefst na 12 uur", "Dinsdag", "Dank je"], timeline.Skip(1).Select(m => m["content"]!["text"]!.GetValue<string>()));
        Assert.Equal("slot-tue", timeline[2]["content"]!["parameters"]![0]!.GetValue<string>());
        Assert.All(Events(receiver, "message.inbound"), e => Assert.Equal(conversation, e["conversationId"]!.GetValue<string>()));

        // Each post of the press was answered with answerCallbackQuery (else the customer's button keeps spinning); the texts were not.
        Assert.Equal(2, telegram.WebhookAnswers.Count);
        Assert.All(telegram.WebhookAnswers, answer => Assert.Equal(
            """{"method":"answerCallbackQuery","callback_query_id":"4382000000000000001"}""", answer.ToJsonString()));
    }

    [Fact]
    public async Task Only_posts_with_the_accounts_secret_token_header_count_and_the_rest_store_nothing()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot(BotToken);
        telegram.AddBot("654321:other-bot-token");
        await using var gateway = await StartAsync(telegram);
        using var client = gateway.Client(TestTenants.InitechKey);
        var webhook = new Uri((await PutAccountAsync(client, "telegram", "shop-bot", Account(SecretToken)))["webhookUrl"]!.GetValue<string>());
        await PutAccountAsync(client, "telegram", "other-bot", """{ "sender": "other_bot", "botToken": "654321:other-bot-token", "secretToken": "other-secret-2" }""");
        using var anonymous = gateway.Client(apiKey: null);

        // Telegram signs nothing: the header is the whole check, compared as a string.
        var update = System.Text.Encoding.UTF8.GetBytes(FakeTelegram.TextUpdatePayload(30000001, ChatId, 51, "vals", DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update)); // missing
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update, (FakeTelegram.SecretTokenHeader, "")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update, (FakeTelegram.SecretTokenHeader, "wrong-secret")));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update, (FakeTelegram.SecretTokenHeader, "other-secret-2"))); // another bot's
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update, (FakeTelegram.SecretTokenHeader, "tg-secret_2"))); // one character off
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update, (FakeTelegram.SecretTokenHeader, SecretToken.ToUpperInvariant())));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, new Uri(webhook + "?secret_token=" + SecretToken), update)); // not in the URL
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, webhook, update, ("X-Hub-Signature-256", SecretToken)));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(anonymous, new Uri(webhook, "/webhooks/telegram/no-such-bot"), update, (FakeTelegram.SecretTokenHeader, SecretToken)));
        Assert.Empty(await client.ReadEventsAsync());

        Assert.Equal(HttpStatusCode.OK, await telegram.PostTextUpdateAsync(webhook, SecretToken, ChatId, "echt"));
        await Eventually.HoldsAsync(async () => (await client.ReadEventsAsync()).Count == 1, Patience, "the real update's event");
        var only = Assert.Single(await client.ReadEventsAsync());
        Assert.Equal("echt", Assert.Single(await client.ReadTimelineAsync(only["conversationId"]!.GetValue<string>()))["content"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_bot_token_in_every_bot_api_url_never_reaches_the_logs()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot(BotToken);
        var log = new CapturedLog();
        var port = GatewayProcess.FreePort();
        await using (var gateway = await InProcessGateway.StartAsync(null, services => services.AddSingleton<ILoggerProvider>(log),
            "--urls", $"http://127.0.0.1:{port}", $"--Payments:PublicBaseUrl=http://127.0.0.1:{port}/", $"--Channels:Telegram:ApiBaseUrl={telegram.BaseAddress}",
            "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Microsoft.AspNetCore=Warning")) // as appsettings.json ships
        {
            using var client = gateway.Client(TestTenants.InitechKey);
            await PutAccountAsync(client, "telegram", "shop-bot", Account(SecretToken)); // setWebhook
            var sent = (await client.SendAsync(Text("telegram", "shop_bot", ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture), "hoi")))["id"]!.GetValue<string>();
            await client.WaitForStatusAsync(sent, "sent");
            telegram.FailNext(1, 400, "Bad Request: chat not found");
            var refused = (await client.SendAsync(Text("telegram", "shop_bot", "222222222", "hoi")))["id"]!.GetValue<string>();
            await client.WaitForStatusAsync(refused, "failed");
        }

        Assert.Contains(log.Lines, line => line.Contains("shop-bot: webhook set", StringComparison.Ordinal)); // the log was on
        var secret = BotToken[(BotToken.IndexOf(':', StringComparison.Ordinal) + 1)..];
        Assert.DoesNotContain(log.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    private static string Account(string secretToken) =>
        new JsonObject { ["sender"] = "shop_bot", ["botToken"] = BotToken, ["secretToken"] = secretToken }.ToJsonString();

    /// <summary>A gateway that knows its public URL, so saving a Telegram account calls setWebhook.</summary>
    private static Task<InProcessGateway> StartAsync(FakeTelegram telegram)
    {
        var port = GatewayProcess.FreePort();
        return InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null,
            "--urls", $"http://127.0.0.1:{port}", $"--Payments:PublicBaseUrl=http://127.0.0.1:{port}/", $"--Channels:Telegram:ApiBaseUrl={telegram.BaseAddress}", "--Dispatch:SendRetryBaseDelay=00:00:00.010");
    }
}
