using System.Net;

namespace MessagingGateway.Gateway.Tests;

public class ConversationsApiTests : GatewayTest
{
    [Fact]
    public async Task Conversation_shows_parties_times_and_counts()
    {
        var first = await Client.SendAsync(GatewayClient.WhatsAppText("+31612340001", "een"));
        await Client.SendAsync(GatewayClient.WhatsAppText("+31 6 1234 0001", "twee"));
        var conversationId = first["conversationId"]!.GetValue<string>();
        await Client.WaitForTimelineAsync(conversationId, 2);

        using var response = await Client.GetAsync($"/v1/conversations/{conversationId}");
        var conversation = await GatewayClient.ReadJsonAsync(response);
        Assert.Equal(conversationId, conversation["id"]!.GetValue<string>());
        Assert.Equal("whatsapp", conversation["channel"]!.GetValue<string>());
        Assert.Equal("+31850000000", conversation["parties"]!["business"]!.GetValue<string>());
        Assert.Equal("+31612340001", conversation["parties"]!["customer"]!.GetValue<string>());
        Assert.Equal(2, conversation["counts"]!["messages"]!.GetValue<int>());
        Assert.Equal(2, conversation["counts"]!["outbound"]!.GetValue<int>());
        Assert.Equal(0, conversation["counts"]!["inbound"]!.GetValue<int>());
        var openedAt = DateTimeOffset.Parse(conversation["openedAt"]!.GetValue<string>());
        var lastAt = DateTimeOffset.Parse(conversation["lastMessageAt"]!.GetValue<string>());
        Assert.True(lastAt >= openedAt);
    }

    [Fact]
    public async Task Timeline_pages_in_send_order_with_cursors()
    {
        var ids = new List<string>();
        string conversationId = null!;
        for (var i = 0; i < 7; i++)
        {
            var accepted = await Client.SendAsync(GatewayClient.WhatsAppText("+31612340002", $"bericht {i}"));
            ids.Add(accepted["id"]!.GetValue<string>());
            conversationId = accepted["conversationId"]!.GetValue<string>();
        }

        await Client.WaitForTimelineAsync(conversationId, 7);
        var pageSizes = new List<int>();
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await Client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await GatewayClient.ReadJsonAsync(response);
            var items = page["items"]!.AsArray();
            pageSizes.Add(items.Count);
            seen.AddRange(items.Select(item => item!["id"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(ids, seen);
        var timeline = await Client.ReadTimelineAsync(conversationId);
        Assert.Equal(Enumerable.Range(1, 7), timeline.Select(m => m["conversationSeq"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_paging_parameters_are_422(string query, string field)
    {
        var accepted = await Client.SendAsync(GatewayClient.WhatsAppText("+31612340003", "x"));
        using var response = await Client.GetAsync($"/v1/conversations/{accepted["conversationId"]}/messages?{query}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await GatewayClient.ReadJsonAsync(response))["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Many_clients_at_once_lose_and_duplicate_nothing()
    {
        const int clients = 16;
        const int perClient = 40;
        var sent = await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            using var client = Gateway.Client();
            var conversation = "";
            var ids = new List<string>();
            for (var i = 0; i < perClient; i++)
            {
                var accepted = await client.SendAsync(GatewayClient.WhatsAppText($"+3161235{c:D4}", $"client {c} message {i}"));
                ids.Add(accepted["id"]!.GetValue<string>());
                conversation = accepted["conversationId"]!.GetValue<string>();
            }

            return (Conversation: conversation, Ids: ids);
        }));

        Assert.Equal(clients * perClient, sent.SelectMany(s => s.Ids).Distinct().Count());
        foreach (var (conversation, ids) in sent)
        {
            await Client.WaitForTimelineAsync(conversation, perClient);
            var timeline = await Client.ReadTimelineAsync(conversation, pageSize: 200);
            Assert.Equal(ids, timeline.Select(m => m["id"]!.GetValue<string>()));
        }
    }
}
