using System.Net;

namespace MessagingGateway.Gateway.Tests;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Killed_process_keeps_every_accepted_message_in_order_and_once()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var tenantsFile = TestTenants.WriteFile(folder.Path);
        const int conversations = 8;
        const int perConversation = 25;

        List<(string Conversation, List<string> Ids)> sent;
        using (var first = await GatewayProcess.StartAsync(dataDir, tenantsFile))
        {
            using var client = new GatewayClient(first.BaseAddress, TestTenants.AcmeKey);
            sent = [.. await Task.WhenAll(Enumerable.Range(0, conversations).Select(async c =>
            {
                var ids = new List<string>();
                var conversation = "";
                for (var i = 0; i < perConversation; i++)
                {
                    var accepted = await client.SendAsync(GatewayClient.WhatsAppText($"+3162000{c:D4}", $"{c}-{i}"));
                    ids.Add(accepted["id"]!.GetValue<string>());
                    conversation = accepted["conversationId"]!.GetValue<string>();
                }

                return (conversation, ids);
            }))];

            // Every 202 has been answered; now die without any shutdown path.
            first.Kill();
        }

        using var second = await GatewayProcess.StartAsync(dataDir, tenantsFile);
        using var reader = new GatewayClient(second.BaseAddress, TestTenants.AcmeKey);
        foreach (var (conversation, ids) in sent)
        {
            await reader.WaitForTimelineAsync(conversation, perConversation);
            var timeline = await reader.ReadTimelineAsync(conversation);
            Assert.Equal(ids, timeline.Select(m => m["id"]!.GetValue<string>()));
            foreach (var id in ids)
            {
                using var message = await reader.GetAsync($"/v1/messages/{id}");
                Assert.Equal(HttpStatusCode.OK, message.StatusCode);
            }
        }

        // Offsets continue after recovery: new messages land after the old ones.
        var (lastConversation, lastIds) = sent[0];
        var after = await reader.SendAsync(GatewayClient.WhatsAppText("+31620000000", "na herstart"));
        Assert.Equal(lastConversation, after["conversationId"]!.GetValue<string>());
        await reader.WaitForTimelineAsync(lastConversation, perConversation + 1);
        var final = await reader.ReadTimelineAsync(lastConversation);
        Assert.Equal([.. lastIds, after["id"]!.GetValue<string>()], final.Select(m => m["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Graceful_restart_keeps_messages_and_idempotency_records()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var body = GatewayClient.WhatsAppText("+31620009999", "blijft");
        string original;
        string conversation;
        await using (var first = await InProcessGateway.StartAsync(dataDir))
        {
            using var client = first.Client();
            using var response = await client.PostJsonAsync("/v1/messages", body, idempotencyKey: "survives-restart");
            original = await response.Content.ReadAsStringAsync();
            conversation = (await GatewayClient.ReadJsonAsync(response))["conversationId"]!.GetValue<string>();
        }

        await using var second = await InProcessGateway.StartAsync(dataDir);
        using var again = second.Client();
        using var retry = await again.PostJsonAsync("/v1/messages", body, idempotencyKey: "survives-restart");
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(original, await retry.Content.ReadAsStringAsync());
        await again.WaitForTimelineAsync(conversation, 1);
        Assert.Single(await again.ReadTimelineAsync(conversation));
    }
}
