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

    [Fact]
    public Task Killed_mid_stream_every_accepted_message_reaches_its_handset_once_and_every_status_is_one_event() =>
        KillMidStreamAsync([]);

    [Fact]
    public async Task Killed_mid_stream_on_kafka_every_accepted_message_reaches_its_handset_once()
    {
        // The cluster lives in the test process, so it outlives the killed gateway.
        using var cluster = KafkaArgs.ClusterWithTopics(3);
        await KillMidStreamAsync(["--transport", "kafka", "--kafka-bootstrap", cluster.BootstrapServers]);
    }

    private static async Task KillMidStreamAsync(string[] transport)
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var tenantsFile = TestTenants.WriteFile(folder.Path);
        string[] settings = [.. transport, .. AcknowledgedLoad.FastSettings];
        await using var receiver = await WebhookReceiver.StartAsync();
        const int conversations = 10;
        using var load = new AcknowledgedLoad();

        using (var first = await GatewayProcess.StartAsync(dataDir, tenantsFile, settings))
        {
            using var client = new GatewayClient(first.BaseAddress, TestTenants.AcmeKey);
            await client.ConfigureWebhookAsync(receiver.Url, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, conversations).Select(c => load.SendAsync(client, "+316" + (14_000_000 + c), stop.Token)).ToArray();

            // Let dispatch, receipts and webhooks all be mid-flight, then kill without warning.
            await load.WaitForAsync(150, senders);
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        using var second = await GatewayProcess.StartAsync(dataDir, tenantsFile, settings);
        using var reader = new GatewayClient(second.BaseAddress, TestTenants.AcmeKey);
        await load.AssertEachArrivedOnceInOrderAsync(reader, receiver, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_retry_right_after_kill_9_is_answered_at_once_as_a_marked_replay_and_delivered_once()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var tenantsFile = TestTenants.WriteFile(folder.Path);
        const string Key = "order-K9-1001";
        var body = GatewayClient.SandboxText("+31612345699", "Na de crash");

        string firstId;
        using (var first = await GatewayProcess.StartAsync(dataDir, tenantsFile))
        {
            using var client = new GatewayClient(first.BaseAddress, TestTenants.AcmeKey);
            using var accepted = await client.PostJsonAsync("/v1/messages", body, Key);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            firstId = (await GatewayClient.ReadJsonAsync(accepted))["id"]!.GetValue<string>();
            first.Kill();
        }

        using var second = await GatewayProcess.StartAsync(dataDir, tenantsFile);
        using var retrying = new GatewayClient(second.BaseAddress, TestTenants.AcmeKey);
        using var retry = await retrying.PostJsonAsync("/v1/messages", body, Key);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstId, (await GatewayClient.ReadJsonAsync(retry))["id"]!.GetValue<string>());

        await retrying.WaitForStatusAsync(firstId, "read");
        var inbox = await retrying.HandsetInboxAsync("+31612345699");
        Assert.Equal([firstId], inbox.Select(m => m["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Kill_9_between_the_providers_create_and_our_answer_leaves_one_payment_and_one_link()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var tenantsFile = TestTenants.WriteFile(folder.Path);
        await using var mollie = await FakeMollie.StartAsync(TestTenants.HooliMollieKey);
        string[] args = [$"--Payments:MollieApiBaseUrl={mollie.BaseAddress}", "--Sandbox:ReceiptDelay=00:00:00.010"];
        const string Body = """{ "amount": { "currency": "EUR", "value": "24.95" }, "description": "Suitcase K9" }""";

        string conversation;
        using (var first = await GatewayProcess.StartAsync(dataDir, tenantsFile, args))
        {
            using var client = new GatewayClient(first.BaseAddress, TestTenants.HooliKey);
            conversation = (await client.SendAsync(GatewayClient.SandboxText("+31612340301", "Your new suitcase")))["conversationId"]!.GetValue<string>();
            mollie.HoldPaymentCreates = true;
            var creating = client.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body, "pay-K9");
            await mollie.PaymentCreateHeld.WaitAsync(TimeSpan.FromSeconds(30));
            first.Kill(); // Mollie has the payment; we never heard back
            await Assert.ThrowsAnyAsync<Exception>(() => creating);
        }

        mollie.HoldPaymentCreates = false;
        using var second = await GatewayProcess.StartAsync(dataDir, tenantsFile, args);
        using var retrying = new GatewayClient(second.BaseAddress, TestTenants.HooliKey);
        using var retry = await retrying.PostJsonAsync($"/v1/conversations/{conversation}/payments", Body, "pay-K9");

        var payment = await GatewayClient.ReadJsonAsync(retry);
        Assert.True(retry.StatusCode == HttpStatusCode.Created, payment.ToJsonString());
        Assert.Single(mollie.Payments);
        Assert.Equal(payment["id"]!.GetValue<string>(), mollie.Payments[0].IdempotencyKey);
        await retrying.WaitForTimelineAsync(conversation, 2);
        var timeline = await retrying.ReadTimelineAsync(conversation);
        Assert.Single(timeline, m => m["content"]!["type"]!.GetValue<string>() == "payment");
    }

    [Fact]
    public async Task A_providers_webhook_posted_again_after_kill_9_is_stored_once()
    {
        using var folder = new TempDirectory();
        var dataDir = Path.Combine(folder.Path, "data");
        var tenantsFile = TestTenants.WriteFile(folder.Path);
        await using var meta = await FakeWhatsApp.StartAsync();
        meta.AddPhoneNumber("1122334455667", "EAAG-k9-token");
        string[] args = [$"--Channels:WhatsApp:ApiBaseUrl={meta.BaseAddress}"];
        const string AppSecret = "k9-app-secret";

        using (var first = await GatewayProcess.StartAsync(dataDir, tenantsFile, args))
        {
            using var client = new GatewayClient(first.BaseAddress, TestTenants.AcmeKey);
            using var put = await client.PutJsonAsync("/v1/channels/whatsapp/accounts/k9", $$"""
                { "sender": "+31850000000", "phoneNumberId": "1122334455667", "accessToken": "EAAG-k9-token", "appSecret": "{{AppSecret}}", "verifyToken": "v" }
                """);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var answer = await meta.PostInboundTextAsync(new Uri(first.BaseAddress, "/webhooks/whatsapp/k9"), AppSecret, "1122334455667", "31612340401", "Waar blijft mijn pakket?", "wamid.k9-1");
            Assert.Equal(HttpStatusCode.OK, answer); // durable in the log before this 200
            first.Kill();
        }

        // Meta did not hear back in time, say, and posts the same message again; then a new one.
        using var second = await GatewayProcess.StartAsync(dataDir, tenantsFile, args);
        var webhook = new Uri(second.BaseAddress, "/webhooks/whatsapp/k9");
        Assert.Equal(HttpStatusCode.OK, await meta.PostInboundTextAsync(webhook, AppSecret, "1122334455667", "31612340401", "Waar blijft mijn pakket?", "wamid.k9-1"));
        Assert.Equal(HttpStatusCode.OK, await meta.PostInboundTextAsync(webhook, AppSecret, "1122334455667", "31612340401", "Hallo?", "wamid.k9-2"));

        using var reader = new GatewayClient(second.BaseAddress, TestTenants.AcmeKey);
        List<System.Text.Json.Nodes.JsonObject> inbound = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                inbound = [.. (await reader.ReadEventsAsync()).Where(e => e["type"]!.GetValue<string>() == "message.inbound")];
                return inbound.Any(e => e["data"]!["content"]!["text"]!.GetValue<string>() == "Hallo?");
            },
            TimeSpan.FromSeconds(30),
            "the second message's event");

        Assert.Equal(["Waar blijft mijn pakket?", "Hallo?"], inbound.Select(e => e["data"]!["content"]!["text"]!.GetValue<string>()));
        var conversation = inbound[0]["conversationId"]!.GetValue<string>();
        Assert.Equal(2, (await reader.ReadTimelineAsync(conversation)).Count);
    }
}
