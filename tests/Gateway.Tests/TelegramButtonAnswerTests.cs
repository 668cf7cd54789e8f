using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// A customer's press on an inline button arrives as a message, and our answer to Telegram's post
/// carries <c>answerCallbackQuery</c> for it, so the button stops spinning on the customer's phone.
/// </summary>
public sealed class TelegramButtonAnswerTests
{
    [Fact]
    public async Task A_button_press_is_stored_and_acknowledged_in_the_answer_to_telegram()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        telegram.AddBot("123456:bot-token");
        await using var gateway = await InProcessGateway.StartAsync(null, (Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>?)null, $"--Channels:Telegram:ApiBaseUrl={telegram.BaseAddress}");
        using var client = gateway.Client(TestTenants.InitechKey);
        using var put = await client.PutJsonAsync("/v1/channels/telegram/accounts/shop-bot", """{ "sender": "shop_bot", "botToken": "123456:bot-token", "secretToken": "tg-secret-1" }""");
        var webhook = new Uri((await GatewayClient.ReadJsonAsync(put))["webhookUrl"]!.GetValue<string>());
        var conversation = (await client.SendAsync("""{"channel":"telegram","from":"shop_bot","to":"987654321","content":{"type":"interactive","body":"Bezorgen morgen?","buttons":[{"id":"yes","title":"Ja"},{"id":"no","title":"Nee"}]}}"""))["conversationId"]!.GetValue<string>();

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(FakeTelegram.CallbackPayload(700001, "4382000000000777", 987654321, 12, "yes", "Ja", DateTimeOffset.UtcNow))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(FakeTelegram.SecretTokenHeader, "tg-secret-1");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("answerCallbackQuery", answer["method"]!.GetValue<string>());
        Assert.Equal("4382000000000777", answer["callback_query_id"]!.GetValue<string>());

        await client.WaitForTimelineAsync(conversation, 2);
        var press = (await client.ReadTimelineAsync(conversation))[1];
        Assert.Equal("Ja", press["content"]!["text"]!.GetValue<string>());
    }
}
