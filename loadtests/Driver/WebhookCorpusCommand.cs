using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MessagingGateway.Driver;

/// <summary>
/// <c>webhook-corpus</c>: WhatsApp Cloud API inbound-message webhooks, one line each as
/// <c>sha256=&lt;hex HMAC-SHA256(app secret, body)&gt;\t&lt;body&gt;</c> (Meta's X-Hub-Signature-256), for
/// the wrk webhook flood. Each has its own wamid and customer, spread over many conversations.
/// </summary>
internal static class WebhookCorpusCommand
{
    public static async Task<JsonObject> RunAsync(CommandArguments args, CancellationToken cancellation)
    {
        var secret = args.Text("secret");
        var count = args.Number("count", 20_000);
        var output = args.Text("out");
        var phoneNumberId = args.Text("phone-number-id", "109876543210987");
        var business = args.Text("business-number", "31850000000");
        var conversations = args.Number("conversations", 10_000);
        args.RejectUnknown();

        var key = Encoding.UTF8.GetBytes(secret);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await using var writer = new StreamWriter(output, append: false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            var customer = "3164" + (i % conversations).ToString("D7", CultureInfo.InvariantCulture);
            var body = Body(phoneNumberId, business, customer, "wamid.LOADTEST" + i.ToString("D10", CultureInfo.InvariantCulture), timestamp + i, i);
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body)));
            await writer.WriteAsync(signature + "\t" + body + "\n");
            cancellation.ThrowIfCancellationRequested();
        }

        return new JsonObject { ["command"] = "webhook-corpus", ["out"] = output, ["count"] = count };
    }

    private static string Body(string phoneNumberId, string business, string customer, string wamid, long timestamp, int n) => new JsonObject
    {
        ["object"] = "whatsapp_business_account",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = "102290129340398",
            ["changes"] = new JsonArray(new JsonObject
            {
                ["field"] = "messages",
                ["value"] = new JsonObject
                {
                    ["messaging_product"] = "whatsapp",
                    ["metadata"] = new JsonObject { ["display_phone_number"] = business, ["phone_number_id"] = phoneNumberId },
                    ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Klant " + n }, ["wa_id"] = customer }),
                    ["messages"] = new JsonArray(new JsonObject
                    {
                        ["from"] = customer,
                        ["id"] = wamid,
                        ["timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
                        ["type"] = "text",
                        ["text"] = new JsonObject { ["body"] = "Waar blijft mijn bestelling " + n + "?" },
                    }),
                },
            }),
        }),
    }.ToJsonString();
}
