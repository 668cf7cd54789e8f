using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// The sandbox checkout as a customer uses it: Debian's Chromium (never a downloaded browser),
/// driven by Playwright, opens the link from the handset's inbox on a phone-sized screen, presses
/// Pay, and the confirmation arrives in the conversation.
/// </summary>
public sealed class CheckoutBrowserTests : GatewayTest
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_link_from_the_handset_opens_the_checkout_and_paying_there_confirms_in_the_chat()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var customer = "+31612340201";
        var conversation = await PaymentsTests.OpenConversationAsync(Client, customer);
        var paymentId = (await PaymentsTests.CreatePaymentAsync(Client, conversation, "24.95", "Nieuwe koffer A-1001"))["id"]!.GetValue<string>();
        var link = await WaitForLinkAsync(customer);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });
        await page.GotoAsync(link);

        await Assertions.Expect(page.Locator("#amount")).ToHaveTextAsync("€ 24,95");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Nieuwe koffer A-1001");
        var pay = page.Locator("#pay");
        var box = await pay.BoundingBoxAsync();
        Assert.True(box is { Width: > 300 and <= 390 }, "the Pay button spans the phone's width");
        await pay.ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-status", "paid");
        await Assertions.Expect(page.Locator("#pay")).ToHaveCountAsync(0);

        await PaymentsTests.WaitForPaymentAsync(Client, paymentId, p => p["status"]!.GetValue<string>() == "paid");
        await Client.WaitForTimelineAsync(conversation, 3);
        var timeline = await Client.ReadTimelineAsync(conversation);
        Assert.Equal("Betaling van € 24,95 ontvangen. Dank je wel!", timeline[2]["content"]!["text"]!.GetValue<string>());
    }

    private async Task<string> WaitForLinkAsync(string customer)
    {
        JsonObject? message = null;
        await Eventually.HoldsAsync(
            async () => (message = (await Client.HandsetInboxAsync(customer)).FirstOrDefault(m => m["content"]!["type"]!.GetValue<string>() == "payment")) is not null,
            TimeSpan.FromSeconds(20),
            "the payment link reaching the handset");
        return message!["content"]!["url"]!.GetValue<string>();
    }
}
