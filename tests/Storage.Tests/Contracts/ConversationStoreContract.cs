using MessagingGateway.Core.Log;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Serialization;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Storage.Tests.Contracts;

/// <summary>What every <see cref="IConversationStore"/> does: messages, statuses, timelines, headers, idempotency claims.</summary>
public abstract class ConversationStoreContract : StoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>The store under test, its clock at <see cref="T0"/>.</summary>
    protected abstract IConversationStore Store { get; }

    [Fact]
    public async Task PutMessage_round_trips_with_status_history_in_seq_order()
    {
        var message = NewMessage("cnv-a");
        // Given out of order, and with seq 10 (sorts before 2 as text, after it as a number).
        StatusChange[] statuses =
        [
            new(MessageStatus.Delivered, T0.AddSeconds(3), 10),
            new(MessageStatus.Accepted, T0, 1),
            new(MessageStatus.Sent, T0.AddSeconds(2), 2, "ok"),
        ];

        await Store.PutMessageAsync(message, statuses);
        var stored = await Store.GetMessageAsync(message.Id);

        Assert.NotNull(stored);
        AssertSameMessage(message, stored.Message);
        Assert.Equal([1, 2, 10], stored.StatusHistory.Select(s => s.Seq));
        Assert.Equal([MessageStatus.Accepted, MessageStatus.Sent, MessageStatus.Delivered], stored.StatusHistory.Select(s => s.Status));
        Assert.Equal("ok", stored.StatusHistory[1].Code);
        Assert.Equal(T0.AddSeconds(3), stored.StatusHistory[2].At);
        Assert.Equal(MessageStatus.Delivered, stored.CurrentStatus.Status);
        Assert.Null(stored.ConversationSeq);
    }

    [Fact]
    public async Task PutMessage_again_adds_statuses_without_losing_earlier_ones()
    {
        var message = NewMessage("cnv-a");
        await Store.PutMessageAsync(message, [new(MessageStatus.Accepted, T0, 1)]);
        await Store.PutMessageAsync(message, [new(MessageStatus.Accepted, T0, 1), new(MessageStatus.Queued, T0.AddSeconds(1), 2)]);

        var stored = await Store.GetMessageAsync(message.Id);

        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued], stored!.StatusHistory.Select(s => s.Status));
    }

    [Fact]
    public async Task Status_histories_of_neighbouring_message_ids_do_not_mix()
    {
        // Ids that differ only in the last byte sit next to each other in key order.
        var first = NewMessage("cnv-a") with { Id = Guid.Parse("00000000-0000-0000-0000-000000000001") };
        var second = NewMessage("cnv-a") with { Id = Guid.Parse("00000000-0000-0000-0000-000000000002") };
        await Store.PutMessageAsync(first, [new(MessageStatus.Accepted, T0, 1), new(MessageStatus.Sent, T0, 2)]);
        await Store.PutMessageAsync(second, [new(MessageStatus.Accepted, T0, 1)]);

        Assert.Equal(2, (await Store.GetMessageAsync(first.Id))!.StatusHistory.Count);
        Assert.Single((await Store.GetMessageAsync(second.Id))!.StatusHistory);
    }

    [Fact]
    public async Task The_placement_of_a_message_is_its_history_its_timeline_place_and_its_conversations_counters()
    {
        var message = NewMessage("cnv-place");
        var unknown = await Store.GetPlacementAsync(message.Id, "cnv-place");
        Assert.False(unknown.IsStored);
        Assert.Null(unknown.ConversationSeq);
        Assert.Equal(ConversationStats.Empty, unknown.Stats);

        await Store.PutAcceptedAsync([message]);
        var accepted = await Store.GetPlacementAsync(message.Id, "cnv-place");
        Assert.True(accepted.IsStored);
        Assert.Equal([MessageStatus.Accepted], accepted.StatusHistory.Select(s => s.Status));
        Assert.Null(accepted.ConversationSeq);

        var stats = new ConversationStats(1, 1, 0, T0);
        await Store.AppendToTimelineAsync(new TimelineAppend(message, 1, stats));
        await Store.AppendStatusAsync(message.Id, new StatusChange(MessageStatus.Queued, T0, 2));
        var placed = await Store.GetPlacementAsync(message.Id, "cnv-place");
        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued], placed.StatusHistory.Select(s => s.Status));
        Assert.Equal(1, placed.ConversationSeq);
        Assert.Equal(stats, placed.Stats);
    }

    [Fact]
    public async Task GetMessage_of_unknown_id_is_null()
    {
        Assert.Null(await Store.GetMessageAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Timeline_pages_by_sequence_and_records_stats_and_message_seq()
    {
        const string Conversation = "cnv-1";
        var messages = new List<Message>();
        for (var seq = 1; seq <= 300; seq++)
        {
            var message = NewMessage(Conversation);
            messages.Add(message);
            await Store.AppendToTimelineAsync(new TimelineAppend(message, seq, new ConversationStats(seq, seq, 0, T0.AddSeconds(seq))));
        }

        var pages = new List<IReadOnlyList<TimelineEntry>>();
        long after = 0;
        for (var i = 0; i < 10; i++)
        {
            var page = await Store.ReadTimelineAsync(Conversation, after, 128);
            pages.Add(page);
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].Seq;
        }

        Assert.Equal([128, 128, 44, 0], pages.Select(p => p.Count));
        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(Enumerable.Range(1, 300).Select(s => (long)s), all.Select(e => e.Seq));
        Assert.Equal(messages.Select(m => m.Id), all.Select(e => e.MessageId));

        Assert.Equal([251L, 252L], (await Store.ReadTimelineAsync(Conversation, 250, 2)).Select(e => e.Seq));

        var stats = await Store.GetConversationStatsAsync(Conversation);
        Assert.Equal(new ConversationStats(300, 300, 0, T0.AddSeconds(300)), stats);

        await Store.PutMessageAsync(messages[41], [new(MessageStatus.Accepted, T0, 1)]);
        Assert.Equal(42, (await Store.GetMessageAsync(messages[41].Id))!.ConversationSeq);
    }

    [Theory]
    [InlineData("cnv-1", "cnv-10")]
    [InlineData("cnv-1", "cnv-1\u0001")]
    [InlineData("cnv-10", "cnv-1")]
    [InlineData("cnv_0123456789abcdef0123456789abcdef", "cnv_0123456789abcdef0123456789abcdee")]
    public async Task Timelines_of_neighbouring_conversations_do_not_bleed(string id, string neighbour)
    {
        for (var seq = 1; seq <= 3; seq++)
        {
            await Store.AppendToTimelineAsync(new TimelineAppend(NewMessage(id), seq, new ConversationStats(seq, seq, 0, T0)));
        }

        for (var seq = 1; seq <= 5; seq++)
        {
            await Store.AppendToTimelineAsync(new TimelineAppend(NewMessage(neighbour), seq, new ConversationStats(seq, 0, seq, T0)));
        }

        Assert.Equal([1L, 2L, 3L], (await Store.ReadTimelineAsync(id, 0, 100)).Select(e => e.Seq));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await Store.ReadTimelineAsync(neighbour, 0, 100)).Select(e => e.Seq));
        Assert.Empty(await Store.ReadTimelineAsync(id, 3, 100));
        Assert.Empty(await Store.ReadTimelineAsync("cnv-unknown", 0, 100));
        Assert.Equal(3, (await Store.GetConversationStatsAsync(id)).LastSeq);
        Assert.Equal(5, (await Store.GetConversationStatsAsync(neighbour)).LastSeq);
    }

    [Fact]
    public async Task Stats_of_unknown_conversation_are_empty()
    {
        Assert.Same(ConversationStats.Empty, await Store.GetConversationStatsAsync("cnv-none"));
    }

    [Fact]
    public async Task PutAccepted_writes_each_message_with_its_accepted_status_and_the_first_header_of_each_conversation_stays()
    {
        var first = NewMessage("cnv-a");
        var second = NewMessage("cnv-a") with { AcceptedAt = T0.AddSeconds(1) };
        var other = NewMessage("cnv-b") with { AcceptedAt = T0.AddSeconds(2) };
        await Store.PutAcceptedAsync([first, second, other]);
        await Store.PutAcceptedAsync([NewMessage("cnv-a") with { AcceptedAt = T0.AddDays(1), TenantId = "other" }]);

        Assert.Equal(new ConversationSummary("cnv-a", "tenant", Channel.WhatsApp, "+31612345678", "+31687654321", T0), await Store.GetConversationAsync("cnv-a"));
        Assert.Equal(T0.AddSeconds(2), (await Store.GetConversationAsync("cnv-b"))?.OpenedAt);
        Assert.Null(await Store.GetConversationAsync("cnv-c"));
        foreach (var message in new[] { first, second, other })
        {
            var stored = await Store.GetMessageAsync(message.Id);
            Assert.NotNull(stored);
            AssertSameMessage(message, stored.Message);
            Assert.Equal([new StatusChange(MessageStatus.Accepted, message.AcceptedAt, 1)], stored.StatusHistory);
        }
    }

    [Fact]
    public async Task ClaimIdempotency_applies_once_then_returns_the_holder()
    {
        var first = Claim("t1", "key-1", hash: 1);

        Assert.Null(await Store.ClaimIdempotencyAsync(first));
        var holder = await Store.ClaimIdempotencyAsync(Claim("t1", "key-1", hash: 2));

        Assert.NotNull(holder);
        AssertSameRecord(first, holder);
        AssertSameRecord(first, (await Store.GetIdempotencyAsync("t1", "key-1"))!);
    }

    [Fact]
    public async Task ClaimIdempotency_keys_are_per_tenant()
    {
        // "t1"+"k" and "t"+"1k" must not collide after concatenation.
        Assert.Null(await Store.ClaimIdempotencyAsync(Claim("t1", "k", hash: 1)));
        Assert.Null(await Store.ClaimIdempotencyAsync(Claim("t", "1k", hash: 2)));
        Assert.Null(await Store.ClaimIdempotencyAsync(Claim("t2", "k", hash: 3)));

        Assert.Equal([1], (await Store.GetIdempotencyAsync("t1", "k"))!.RequestHash);
        Assert.Equal([2], (await Store.GetIdempotencyAsync("t", "1k"))!.RequestHash);
        Assert.Null(await Store.GetIdempotencyAsync("t3", "k"));
    }

    [Fact]
    public async Task Concurrent_claims_of_one_key_have_exactly_one_winner()
    {
        const int Claimants = 32;
        for (var round = 0; round < 5; round++)
        {
            var key = "race-" + round;
            using var start = new Barrier(Claimants);
            var results = await Task.WhenAll(Enumerable.Range(0, Claimants).Select(i => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    return (Hash: (byte)i, Holder: Store.ClaimIdempotencyAsync(Claim("t", key, (byte)i)).AsTask().Result);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)));

            var winner = Assert.Single(results, r => r.Holder is null);
            Assert.All(results.Where(r => r.Holder is not null), r => Assert.Equal([winner.Hash], r.Holder!.RequestHash));
            Assert.Equal([winner.Hash], (await Store.GetIdempotencyAsync("t", key))!.RequestHash);
        }
    }

    [Fact]
    public async Task PutIdempotency_overwrites_and_Delete_frees_the_key()
    {
        var claim = Claim("t", "k", hash: 7);
        Assert.Null(await Store.ClaimIdempotencyAsync(claim));

        var completed = claim with { StatusCode = 202, ResponseBody = [1, 2, 3], Location = "/v1/messages/x" };
        await Store.PutIdempotencyAsync(completed);

        var read = await Store.GetIdempotencyAsync("t", "k");
        Assert.NotNull(read);
        Assert.True(read.IsCompleted);
        AssertSameRecord(completed, read);

        await Store.DeleteIdempotencyAsync("t", "k");
        Assert.Null(await Store.GetIdempotencyAsync("t", "k"));
        Assert.Null(await Store.ClaimIdempotencyAsync(Claim("t", "k", hash: 8)));
        Assert.Equal([8], (await Store.GetIdempotencyAsync("t", "k"))!.RequestHash);
    }

    [Fact]
    public async Task AppendStatus_adds_to_the_history_in_seq_order()
    {
        var message = NewMessage("cnv-a");
        await Store.PutAcceptedAsync([message]);
        await Store.AppendStatusAsync(message.Id, new StatusChange(MessageStatus.Sent, T0.AddSeconds(2), 3, "ok"));
        await Store.AppendStatusAsync(message.Id, new StatusChange(MessageStatus.Queued, T0.AddSeconds(1), 2));
        await Store.AppendStatusAsync(message.Id, new StatusChange(MessageStatus.Queued, T0.AddSeconds(1), 2)); // a replay

        var stored = await Store.GetMessageAsync(message.Id);

        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued, MessageStatus.Sent], stored!.StatusHistory.Select(s => s.Status));
        Assert.Equal(new StatusChange(MessageStatus.Sent, T0.AddSeconds(2), 3, "ok"), stored.StatusHistory[2]);
    }

    [Fact]
    public async Task A_message_stored_with_its_log_record_reads_back_as_it_was_accepted()
    {
        var message = NewMessage("cnv-logged");
        var record = new LogRecord(LogEnvelopeCodec.EncodeKey(message.ConversationId), LogEnvelopeCodec.EncodeValue(LogEnvelope.ForMessage(message)));

        await Store.PutAcceptedAsync([message], [record]);

        var stored = (await Store.GetMessageAsync(message.Id))!;
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(message, CoreJsonContext.Default.Message),
            System.Text.Json.JsonSerializer.Serialize(stored.Message, CoreJsonContext.Default.Message));
        Assert.Equal([MessageStatus.Accepted], stored.StatusHistory.Select(s => s.Status));
        Assert.NotNull(await Store.GetConversationAsync("cnv-logged"));
    }

    [Fact]
    public async Task PutAccepted_again_keeps_the_statuses_recorded_since()
    {
        var message = NewMessage("cnv-a");
        await Store.PutAcceptedAsync([message]);
        await Store.AppendStatusAsync(message.Id, new StatusChange(MessageStatus.Queued, T0.AddSeconds(1), 2));

        await Store.PutAcceptedAsync([message]);

        Assert.Equal([MessageStatus.Accepted, MessageStatus.Queued], (await Store.GetMessageAsync(message.Id))!.StatusHistory.Select(s => s.Status));
    }

    [Fact]
    public async Task A_timeline_place_written_again_is_one_row_with_the_counters_written_last()
    {
        var message = NewMessage("cnv-a");
        await Store.AppendToTimelineAsync(new TimelineAppend(message, 1, new ConversationStats(1, 1, 0, T0)));
        await Store.AppendToTimelineAsync(new TimelineAppend(message, 1, new ConversationStats(1, 1, 0, T0.AddSeconds(1))));

        Assert.Equal([new TimelineEntry(1, message.Id)], await Store.ReadTimelineAsync("cnv-a", 0, 10));
        Assert.Equal(new ConversationStats(1, 1, 0, T0.AddSeconds(1)), await Store.GetConversationStatsAsync("cnv-a"));
    }

    [Fact]
    public async Task ReadTimeline_refuses_a_limit_below_one()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ReadTimelineAsync("cnv-a", 0, 0));
    }

    protected static Message NewMessage(string conversationId) => TestMessages.Outbound(conversationId, T0);

    protected static IdempotencyRecord Claim(string tenant, string key, byte hash) =>
        new(tenant, key, "send", [hash], T0, [Guid.NewGuid()]);

    protected static void AssertSameMessage(Message expected, Message actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.ConversationId, actual.ConversationId);
        Assert.Equal(expected.Channel, actual.Channel);
        Assert.Equal(expected.Direction, actual.Direction);
        Assert.Equal(expected.From, actual.From);
        Assert.Equal(expected.To, actual.To);
        Assert.Equal(expected.Content.Type, actual.Content.Type);
        Assert.Equal(expected.Content.Text, actual.Content.Text);
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.AcceptedAt, actual.AcceptedAt);
    }

    protected static void AssertSameRecord(IdempotencyRecord expected, IdempotencyRecord actual)
    {
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Operation, actual.Operation);
        Assert.Equal(expected.RequestHash, actual.RequestHash);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.MessageIds, actual.MessageIds);
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.ResponseBody, actual.ResponseBody);
        Assert.Equal(expected.Location, actual.Location);
    }
}
