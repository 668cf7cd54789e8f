using System.Net;
using System.Text.Json.Nodes;
using MessagingGateway.Tests.Shared;

namespace MessagingGateway.Gateway.Tests;

/// <summary>
/// <c>GET /v1/events</c> over streams numbered per log partition: the merged stream is gapless and
/// in each conversation's order, pages and replays from a cursor agree, and the numbering goes on
/// where it stopped when another process takes the partitions over.
/// </summary>
public class EventStreamTests : GatewayTest
{
    protected override bool StartsSharedGateway => false;

    private static string Customer(int n) => "+316" + (14_000_000 + n);

    [Fact]
    public async Task Pages_of_any_size_and_replays_from_a_cursor_read_the_same_gapless_stream_in_conversation_order()
    {
        await using var gateway = await StartGatewayAsync("--Sandbox:ReceiptDelay=00:00:00.010");
        using var client = gateway.Client();
        var ids = await SendAndWaitForReadAsync(client, 0, 16);

        var (all, end) = await client.ReadEventsAsync(pageSize: 200, after: null);
        Assert.Equal(ids.Count * 4, all.Count);
        Assert.Equal(all.Count, all.Select(Id).Distinct().Count());
        AssertInConversationOrder(all);

        // Small pages walk the same stream; a replay from any page's cursor reads the same rest.
        var walked = new List<JsonObject>();
        string? cursor = null;
        var cursors = new List<string?>();
        while (true)
        {
            cursors.Add(cursor);
            using var response = await client.GetAsync("/v1/events?limit=7" + (cursor is null ? "" : "&after=" + cursor));
            var page = await GatewayClient.ReadJsonAsync(response);
            var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            cursor = page["nextCursor"]!.GetValue<string>();
            if (items.Count == 0)
            {
                break;
            }

            walked.AddRange(items);
        }

        Assert.Equal(all.Select(Id), walked.Select(Id));
        Assert.Equal(end, cursor);
        var third = cursors[3];
        var (rest, _) = await client.ReadEventsAsync(pageSize: 50, after: third);
        Assert.Equal(all.Skip(3 * 7).Select(Id), rest.Select(Id));
    }

    [Fact]
    public async Task After_another_process_takes_the_partitions_over_the_stream_goes_on_from_the_cursor_without_gaps()
    {
        using var folder = new TempDirectory();
        string cursor;
        List<string> before;
        await using (var first = await InProcessGateway.StartAsync(folder.Path, "--Sandbox:ReceiptDelay=00:00:00.010"))
        {
            using var client = first.Client();
            await SendAndWaitForReadAsync(client, 100, 8);
            var (events, end) = await client.ReadEventsAsync(pageSize: 200, after: null);
            before = [.. events.Select(Id)];
            cursor = end!;
        }

        await using var second = await InProcessGateway.StartAsync(folder.Path, "--Sandbox:ReceiptDelay=00:00:00.010");
        using var again = second.Client();
        var ids = await SendAndWaitForReadAsync(again, 100, 8); // the same conversations, so the same partitions

        var (after, _) = await again.ReadEventsAsync(pageSize: 5, after: cursor);
        Assert.Equal(ids.Count * 4, after.Count);
        Assert.Empty(after.Select(Id).Intersect(before));
        var (whole, _) = await again.ReadEventsAsync(pageSize: 200, after: null);
        Assert.Equal(before.Concat(after.Select(Id)).Order(), whole.Select(Id).Order());
        AssertInConversationOrder(whole);
    }

    [Fact]
    public async Task A_cursor_this_endpoint_did_not_write_is_a_problem_naming_the_parameter()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = gateway.Client();
        // Garbage, a cursor of the single-sequence format (8 bytes), and one naming partition 200 of 16.
        foreach (var cursor in new[] { "not-a-cursor", "AAAAAAAAAAU", "AcgBAQ" })
        {
            using var response = await client.GetAsync("/v1/events?after=" + cursor);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await GatewayClient.ReadJsonAsync(response))["errors"]!.AsObject().ContainsKey("after"));
        }
    }

    private static async Task<List<string>> SendAndWaitForReadAsync(GatewayClient client, int firstCustomer, int count)
    {
        var ids = new List<string>();
        for (var c = 0; c < count; c++)
        {
            ids.Add((await client.SendAsync(GatewayClient.SandboxText(Customer(firstCustomer + c), $"m{c}")))["id"]!.GetValue<string>());
        }

        foreach (var id in ids)
        {
            await client.WaitForStatusAsync(id, "read");
        }

        return ids;
    }

    private static string Id(JsonObject e) => e["id"]!.GetValue<string>();

    /// <summary>Each message's status events come in the order the statuses happened.</summary>
    private static void AssertInConversationOrder(List<JsonObject> stream)
    {
        foreach (var message in stream.Where(e => e["type"]!.GetValue<string>() == "message.status").GroupBy(e => e["data"]!["messageId"]!.GetValue<string>()))
        {
            var seqs = message.Select(e => e["data"]!["seq"]!.GetValue<long>()).ToList();
            Assert.Equal(seqs.Order(), seqs);
        }
    }
}
